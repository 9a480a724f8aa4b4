/**
 * What the citizens of 高沙镇 (洞口县, 邵阳市, Hunan) raise with their deputies, for the demo town (#22): each
 * matter with its category, the class the station gives it, the unit that handles it, the progress it reports
 * and the answer. `{v}` is a village or community of the station, `{n}` a small number (2–9), said the same in
 * the opinion and its answer. `season` keeps a matter to its months (春耕, 汛期, 取暖).
 */
export type ClassCode = 'XW' | 'JN' | 'DY' | 'JD' | 'YB' | 'ZD';
export type Matter = {
  cls: ClassCode;
  category: string;
  content: string;
  unit: string;
  progress: string[];
  answer: string;
  season?: [number, number];
  /** A ZD / DY matter that may become a 代表建议. */
  suggestion?: boolean;
};

export const MATTERS: Matter[] = [
  // 简单问题：当场答复
  { cls: 'JD', category: 'livelihood', content: '我母亲今年满60岁了，城乡居民养老金什么时候开始领？需要准备哪些材料？', unit: '联络站', progress: [], answer: '年满60周岁且累计缴费满15年即可按月领取，持身份证、户口本和社保卡到镇社会保障服务站办理，已当场告知办理流程和咨询电话。' },
  { cls: 'JD', category: 'livelihood', content: '家里老人常年生病，想申请低保，需要什么条件、到哪里申请？', unit: '联络站', progress: [], answer: '家庭人均收入低于我县低保标准、财产状况符合规定即可申请，由本人向村委会或镇社会事务办提交申请书、身份证、户口本和收入情况说明，已当场发放申请指南。' },
  { cls: 'JD', category: 'governance', content: '外出务工要开无犯罪记录证明，能不能在镇里办，不用跑县城？', unit: '联络站', progress: [], answer: '可在高沙派出所户籍窗口或手机“湘警在线”办理，已现场指导群众在手机上提交申请，三个工作日内可取证明。' },
  { cls: 'JD', category: 'livelihood', content: '城乡居民医保今年缴费截止到什么时候？能不能在手机上交？', unit: '联络站', progress: [], answer: '集中缴费期内可通过“湘税社保”小程序或农商银行网点缴纳，已现场帮助群众用手机完成缴费。' },
  { cls: 'JD', category: 'governance', content: '耕地地力保护补贴发放标准是多少？怎么查是否到账？', unit: '联络站', progress: [], answer: '补贴按确权面积发放，可持惠民惠农“一卡通”到农商银行查询，也可在湖南省惠民惠农财政补贴资金“一卡通”平台查询，已现场帮忙查到到账记录。' },
  { cls: 'JD', category: 'education', content: '孩子秋季要从广东转学回高沙镇中心小学读书，需要办哪些手续？', unit: '联络站', progress: [], answer: '持户口本、原学校学籍信息卡到镇中心学校教务处办理转入，已与学校电话确认学位，告知家长开学前一周报到。' },
  { cls: 'JD', category: 'other', content: '听说镇里有免费的油茶种植技术培训，怎么报名？', unit: '联络站', progress: [], answer: '镇农业综合服务中心每季度开展油茶、水稻种植技术培训，已登记报名，开班前电话通知。' },
  { cls: 'JD', category: 'livelihood', content: '残疾证快到期了，换证要到哪里办？', unit: '联络站', progress: [], answer: '持原残疾证、身份证和近期一寸照片到县残联预约评残换证，已当场告知预约电话，行动不便的可申请上门评残。' },
  { cls: 'JD', category: 'governance', content: '农村建房要办什么审批手续？自家宅基地上翻修老房子需不需要报批？', unit: '联络站', progress: [], answer: '原址翻建也需向村委会提出申请，经镇自然资源所审核后办理乡村建设规划许可，已当场讲解流程并发放农村建房明白卡。' },
  { cls: 'JD', category: 'education', content: '孩子考上大学了，想申请生源地助学贷款，需要开什么证明？', unit: '联络站', progress: [], answer: '可在国家开发银行学生在线服务系统申请，持录取通知书、身份证和户口本到县学生资助管理中心办理，已当场告知受理时间。' },
  { cls: 'JD', category: 'livelihood', content: '家里老人八十多岁了，高龄津贴怎么申请？', unit: '联络站', progress: [], answer: '年满80周岁的老人可申领高龄津贴，持身份证、户口本到村委会申请，已当场帮老人填好申请表。' },

  // 小微事：一周一办结
  { cls: 'XW', category: 'infrastructure', content: '{v}村口到集镇的路段有{n}盏路灯不亮，晚上出行不安全。', unit: '高沙镇村镇建设发展中心', progress: ['维护单位已到现场查看，需更换灯头和线路'], answer: '已更换{n}个损坏灯头并检修线路，路灯恢复正常照明。' },
  { cls: 'XW', category: 'environment', content: '{v}垃圾收集点清运不及时，垃圾满溢，天热气味很大。', unit: '高沙镇环卫所', progress: ['已安排清运车当天清运'], answer: '已调整清运频次为每日一次，增设{n}个分类垃圾桶，收集点已清理干净。' },
  { cls: 'XW', category: 'governance', content: '{v}村务公开栏很久没有更新，群众不清楚村里的收支情况。', unit: '村（社区）两委', progress: [], answer: '村委会已更新本季度财务收支和惠民资金发放明细，承诺每季度按时公开，并在村微信群同步发布。' },
  { cls: 'XW', category: 'safety', content: '{v}有一根电线杆倾斜，电线垂得很低，担心小孩碰到触电。', unit: '国网洞口县供电公司高沙供电所', progress: ['供电所已拉设警戒线'], answer: '供电所已扶正电杆、收紧线路，消除了安全隐患。' },
  { cls: 'XW', category: 'infrastructure', content: '{v}组里的自来水管破裂漏水好几天了，浪费严重，路面也被泡坏了。', unit: '高沙镇水利站', progress: [], answer: '水利站已更换破损管道约{n}0米，恢复正常供水并回填路面。' },
  { cls: 'XW', category: 'dispute', content: '邻居家养的狗不拴绳，已经咬伤两个小孩，多次沟通都没有用。', unit: '村（社区）人民调解委员会', progress: ['村调委会已上门了解情况'], answer: '村调委会上门调解，狗主人承诺拴养并赔偿医药费，双方已和解。' },
  { cls: 'XW', category: 'environment', content: '{v}有人在田边焚烧秸秆，烟雾很大，附近老人小孩咳嗽。', unit: '高沙镇生态环境办', progress: [], answer: '已到现场劝导制止并扑灭火点，村里组织秸秆还田机械作业，开展禁烧宣传。', season: [9, 11] },
  { cls: 'XW', category: 'environment', content: '{v}河边有死猪漂浮，气味难闻，担心污染水源。', unit: '高沙镇生态环境办', progress: [], answer: '已组织人员打捞并无害化处理，对沿河养殖户开展宣传，防止乱丢病死畜禽。' },
  { cls: 'XW', category: 'infrastructure', content: '{v}村部门口的排水沟堵了，一下雨水就漫到路上。', unit: '村（社区）两委', progress: [], answer: '村委会已组织人员疏通排水沟{n}0米，并加盖了盖板。' },

  // 一般问题：月内办结
  { cls: 'YB', category: 'infrastructure', content: '{v}通组公路有一段约{n}0米的路面坑洼破损，下雨天积水，车辆通行困难。', unit: '高沙镇村镇建设发展中心', progress: ['已现场测量，列入本月农村公路养护计划', '施工队已进场修补'], answer: '破损路段已完成水泥修补，路面恢复平整，已请群众代表到场验收。' },
  { cls: 'YB', category: 'infrastructure', content: '{v}自来水压力不足，地势高的{n}户经常停水。', unit: '高沙镇水利站', progress: ['已排查管网，需加装增压泵'], answer: '已在{v}加装增压设备并更换主管，高处农户用水恢复正常。' },
  { cls: 'YB', category: 'livelihood', content: '{v}有位独居老人，子女长期在外务工，房屋漏雨，生活困难，希望民政部门关心。', unit: '高沙镇社会事务办（民政）', progress: ['已入户走访核实情况，启动临时救助程序'], answer: '已为老人发放临时救助金，纳入特困供养对象，村里组织人员修缮了屋顶，安排网格员每周探访。' },
  { cls: 'YB', category: 'livelihood', content: '残疾人两项补贴已经三个月没有到账，请帮忙查一下原因。', unit: '高沙镇社会事务办（民政）', progress: [], answer: '经核查为银行账户变更导致发放失败，已更正账户信息并补发三个月补贴。' },
  { cls: 'YB', category: 'environment', content: '{v}附近有人往河沟里倾倒建筑垃圾，堵塞排水，影响行洪。', unit: '高沙镇生态环境办', progress: ['已对倾倒点拍照取证并联系村委会清理'], answer: '已清运建筑垃圾约{n}车，设立禁倒警示牌，并对倾倒者批评教育。' },
  { cls: 'YB', category: 'environment', content: '集镇农贸市场周边污水横流，环境卫生差，赶集时气味难闻。', unit: '高沙镇环卫所', progress: ['已疏通市场周边排水沟'], answer: '已完成市场排水沟清淤和路面硬化，保洁员每日定时保洁，市场管理方签订门前三包责任书。' },
  { cls: 'YB', category: 'education', content: '{v}小学门口的马路没有减速带和斑马线，上下学时段很危险。', unit: '洞口县交警大队高沙中队', progress: ['交警中队已实地查看，报县交警大队审批'], answer: '已在校门口施划斑马线、安装减速带和警示标志，上下学时段安排护学岗。' },
  { cls: 'YB', category: 'governance', content: '办理不动产登记要跑好几趟，希望简化流程、一次办好。', unit: '高沙镇政务服务中心', progress: [], answer: '镇政务服务中心已开设不动产登记“一窗受理”，资料齐全一次办结，并为老人提供帮办代办服务。' },
  { cls: 'YB', category: 'livelihood', content: '住院报销后自付部分还是很多，医保报销比例搞不清楚，希望解释一下政策。', unit: '洞口县医疗保障局', progress: ['已将住院票据报县医保局核算'], answer: '已向群众解释城乡居民医保住院报销政策，并协助申请医疗救助，二次报销{n}00元。' },
  { cls: 'YB', category: 'infrastructure', content: '{v}的机耕道被雨水冲毁，春耕在即，农机下不了田。', unit: '高沙镇农业综合服务中心', progress: ['已组织挖机抢修'], answer: '机耕道冲毁段已修复并加固路肩，农机可正常下田作业。', season: [3, 5] },
  { cls: 'YB', category: 'safety', content: '{v}河边经常有小孩游泳，没有警示牌和防护栏，存在溺水隐患。', unit: '高沙镇应急管理办', progress: [], answer: '已在{v}河段设置防溺水警示牌{n}块，配备救生圈和救生绳，落实暑期巡河人员。', season: [5, 8] },
  { cls: 'YB', category: 'dispute', content: '土地流转后承包方拖欠我们组的租金半年了，村民意见很大。', unit: '高沙镇司法所', progress: ['已约谈承包方负责人'], answer: '经镇司法所和村委会协调，承包方已付清拖欠租金，并签订按季度支付的补充协议。' },
  { cls: 'YB', category: 'livelihood', content: '{v}低保名单公示后，有群众反映个别户家里有车有房，不符合条件，希望复核。', unit: '高沙镇社会事务办（民政）', progress: ['已组织入户核查和邻里走访'], answer: '经入户核查，{n}户不符合条件的已按程序退出低保，复核结果已在村务公开栏公示。' },
  { cls: 'YB', category: 'environment', content: '{v}旁边的小作坊晚上加工石材，噪音和粉尘很大，影响休息。', unit: '高沙镇生态环境办', progress: ['已现场检查，责令夜间停工'], answer: '作坊已加装降噪除尘设施，夜间停止生产，经回访周边群众反映已明显改善。' },
  { cls: 'YB', category: 'infrastructure', content: '冬天用电高峰{v}电压不稳，电热器和水泵带不动。', unit: '国网洞口县供电公司高沙供电所', progress: ['供电所已测量电压，调整变压器分接头'], answer: '已对{v}低压线路进行分流改造，电压恢复正常。', season: [11, 12] },
  { cls: 'YB', category: 'infrastructure', content: '{v}的安全饮水管网还没接到我们组，{n}户人家还在吃井水。', unit: '高沙镇水利站', progress: ['已勘测线路，编制接水方案'], answer: '已铺设入户管网，{n}户群众全部接通自来水。' },
  { cls: 'YB', category: 'livelihood', content: '{v}一位老党员瘫痪在床，申请了残疾人护理补贴，一直没批下来。', unit: '高沙镇社会事务办（民政）', progress: [], answer: '已上门评估并补齐材料，护理补贴已审批发放，并纳入居家养老上门服务。' },
  { cls: 'YB', category: 'environment', content: '{v}路边的公厕年久失修，又脏又臭，赶集的群众没地方上厕所。', unit: '高沙镇环卫所', progress: ['已纳入农村公厕提质改造计划'], answer: '公厕已完成改造并配备专人保洁，每日开放。' },
  { cls: 'YB', category: 'education', content: '{v}卫生室的医生退休后一直没有新村医，老人看病要跑到镇上。', unit: '高沙镇卫生院', progress: ['卫生院已安排医生每周定点坐诊'], answer: '镇卫生院已派一名乡村医生常驻{v}卫生室，并开展家庭医生签约服务。' },
  { cls: 'YB', category: 'governance', content: '{v}惠农补贴发放明细没有公示，群众不清楚每户领了多少。', unit: '高沙镇农业综合服务中心', progress: [], answer: '已督促村委会在村务公开栏和微信群公示本年度惠农补贴发放明细，接受群众监督。' },
  { cls: 'YB', category: 'safety', content: '{v}集镇路口没有红绿灯，赶集日人车混行，经常发生剐蹭。', unit: '洞口县交警大队高沙中队', progress: ['已实地勘察路口，制定交通组织方案'], answer: '路口已安装信号灯和隔离护栏，赶集日安排交警和志愿者疏导。' },
  { cls: 'YB', category: 'infrastructure', content: '{v}手机信号差，在屋里打电话经常断线，孩子上网课也受影响。', unit: '高沙镇村镇建设发展中心', progress: ['已协调通信运营商实地测试信号'], answer: '运营商已在{v}新建一座通信基站，信号覆盖明显改善。' },
  { cls: 'YB', category: 'dispute', content: '在外务工时受了伤，老板不肯赔偿，想了解工伤认定怎么申请。', unit: '高沙镇司法所', progress: ['已为群众申请法律援助'], answer: '法律援助律师协助申请了工伤认定，用人单位已按规定赔付。' },

  // 重大问题：三月清零
  { cls: 'ZD', category: 'infrastructure', content: '{v}山塘年久失修，塘堤渗水严重，担心汛期出险，也影响下游{n}0亩农田灌溉。', unit: '洞口县水利局', progress: ['已组织技术人员勘察，编制除险加固方案', '项目已纳入县小型水库山塘除险加固计划，资金已落实', '施工单位已进场清淤加固'], answer: '山塘除险加固工程已完工并通过验收，蓄水和灌溉恢复正常。', suggestion: true },
  { cls: 'ZD', category: 'infrastructure', content: '{v}到高沙集镇的主干道路面狭窄破损，会车困难，事故多发，希望拓宽改造。', unit: '洞口县交通运输局', progress: ['县交通运输局已到现场勘测', '拓宽工程已纳入县农村公路提质改造计划', '路基拓宽施工中'], answer: '道路拓宽至6.5米并完成沥青铺设，增设错车道和安全护栏。', suggestion: true },
  { cls: 'ZD', category: 'environment', content: '{v}附近养猪场污水直排小河，河水发黑发臭，周边群众意见很大。', unit: '邵阳市生态环境局洞口分局', progress: ['已现场取样检测，责令养殖场限期整改', '养殖场已开工建设干湿分离和沼液储存设施'], answer: '养殖场粪污处理设施已建成运行，复检河水水质达标，将持续开展监督检查。' },
  { cls: 'ZD', category: 'education', content: '{v}小学教学楼屋顶漏水，下雨天有两间教室无法使用。', unit: '高沙镇中心学校', progress: ['已对屋面进行安全鉴定，申报维修资金', '维修资金已下达，利用周末施工'], answer: '教学楼屋面防水改造已完工，教室恢复正常使用。' },
  { cls: 'ZD', category: 'infrastructure', content: '{v}变压器容量不够，夏天用电高峰经常跳闸，空调、冰柜都用不了。', unit: '国网洞口县供电公司高沙供电所', progress: ['已纳入年度农网改造项目', '新变压器已到货，正在办理停电施工手续'], answer: '新增一台{n}00千伏安变压器并改造低压线路，用电高峰电压稳定。', season: [6, 9] },
  { cls: 'ZD', category: 'livelihood', content: '{v}安置小区的房产证一直办不下来，涉及{n}0多户群众。', unit: '洞口县自然资源局', progress: ['已组织自然资源、住建等部门召开协调会，梳理历史遗留问题', '已完成小区宗地测绘和规划核实'], answer: '小区不动产首次登记已办结，首批住户已领取不动产权证书。', suggestion: true },
  { cls: 'ZD', category: 'environment', content: '{v}的垃圾中转站建在居民区旁边，臭气扰民，群众要求搬迁。', unit: '高沙镇村镇建设发展中心', progress: ['已组织环评和选址论证', '新中转站选址已确定，开展前期工作'], answer: '垃圾中转站已迁至远离居民区的新址并加装除臭设备，原址已复绿。' },

  // 急难事：一周一推动
  { cls: 'JN', category: 'safety', content: '{v}后山出现裂缝，下面住着{n}户人家，一下雨就怕滑坡。', unit: '洞口县自然资源局', progress: ['已通知受威胁群众雨天撤离，设置警示标志', '地质灾害专业队伍已完成勘查', '已制定搬迁避让和工程治理方案', '截排水沟施工中'], answer: '已完成坡面截排水和挡土墙工程，受威胁农户纳入地质灾害避险搬迁，险情已解除。', season: [4, 9] },
  { cls: 'JN', category: 'infrastructure', content: '暴雨冲断了{v}的一座便桥，群众出行和学生上学要绕行五公里。', unit: '洞口县交通运输局', progress: ['已设置临时便道和警示标志', '新桥设计方案已完成', '新桥基础施工中', '桥面浇筑完成，养护中'], answer: '新建钢筋混凝土便桥已通车，群众出行恢复正常。', season: [5, 8] },
  { cls: 'JN', category: 'livelihood', content: '{v}一户群众家中突发火灾，房屋烧毁，一家五口无处居住。', unit: '高沙镇社会事务办（民政）', progress: ['已安排临时住所并发放应急救助物资', '已申报住房重建救助', '重建补助资金已拨付'], answer: '已落实临时救助和住房重建补助，新房已开工建设，村里组织群众投工投劳。' },
  { cls: 'JN', category: 'environment', content: '{v}自来水突然浑浊有异味，群众不敢饮用。', unit: '洞口县水利局', progress: ['已送水样到县疾控中心检测，期间安排送水车供水', '已查明是水源地上游施工导致', '水源地上游施工已整改'], answer: '已清洗消毒供水管网并加装过滤设备，水质检测合格，恢复正常供水。' },
  { cls: 'JN', category: 'safety', content: '{v}路段大货车超载超速，晚上噪音大，路面被压坏。', unit: '洞口县交警大队高沙中队', progress: ['已在路口设置限高限重设施', '已开展夜间联合执法', '超限车辆已明显减少'], answer: '交警、交通联合执法常态化，查处超载车辆{n}台，受损路面已修复。' },
  { cls: 'JN', category: 'livelihood', content: '{v}一名留守儿童父母双亡，跟着年迈的奶奶生活，生活和上学都很困难。', unit: '高沙镇社会事务办（民政）', progress: ['已上门核实，发放临时救助金', '已申报事实无人抚养儿童基本生活补贴'], answer: '已纳入事实无人抚养儿童保障，每月发放基本生活补贴，学校落实资助和结对帮扶。' },

  // 大要事：一月一促进
  { cls: 'DY', category: 'environment', content: '赧水河高沙段岸边垃圾堆积，部分河段非法采砂造成河岸坍塌。', unit: '高沙镇河长办', progress: ['镇河长办联合水利、自然资源部门开展巡河', '已查处非法采砂点{n}处，清理岸边垃圾', '坍塌河岸护坡工程已立项', '护坡工程施工中'], answer: '赧水高沙段河岸垃圾已清理，非法采砂全部取缔，坍塌河岸完成生态护坡治理，建立常态化巡河制度。', suggestion: true },
  { cls: 'DY', category: 'infrastructure', content: '高沙集镇老街排水管网老化，每逢大雨街道积水严重，商户进水。', unit: '洞口县住房和城乡建设局', progress: ['已完成老街排水管网普查', '改造项目已列入县城乡基础设施建设计划', '一期管网改造开工', '一期管网改造完工'], answer: '老街雨污分流改造一期、二期已完工，主街大雨不再积水。', suggestion: true },
  { cls: 'DY', category: 'governance', content: '{v}撂荒耕地较多，建议统筹土地流转，发展油茶和蔬菜产业，带动群众增收。', unit: '高沙镇农业综合服务中心', progress: ['已摸清撂荒耕地底数', '引进蔬菜种植合作社，签订流转意向', '首批{n}0亩撂荒地已复耕'], answer: '已流转撂荒耕地{n}00亩，建成油茶和蔬菜基地，吸纳当地群众务工。', suggestion: true },
  { cls: 'DY', category: 'education', content: '{v}留守儿童多，建议建设乡村幼儿园和课后托管点，解决就近入园和放学无人照看的问题。', unit: '高沙镇中心学校', progress: ['已调查学龄前儿童和留守儿童人数', '幼儿园选址已确定，纳入县学前教育项目', '课后托管点已开放'], answer: '村级幼儿园已建成开园，课后托管点每天开放至18时，由学校老师和志愿者值守。', suggestion: true },
  { cls: 'DY', category: 'infrastructure', content: '{v}一带农田灌溉渠道年久失修，渗漏严重，建议统筹实施高标准农田建设。', unit: '洞口县农业农村局', progress: ['已将{v}片区纳入高标准农田建设项目库', '项目设计方案已完成', '渠道硬化施工中'], answer: '高标准农田建设项目已完工，新修硬化渠道{n}公里，灌溉保证率明显提高。', suggestion: true },
  { cls: 'DY', category: 'livelihood', content: '高沙集镇没有像样的养老机构，建议建设镇级养老服务中心。', unit: '高沙镇社会事务办（民政）', progress: ['已完成养老服务需求调查', '养老服务中心选址和项目申报已完成', '主体工程施工中'], answer: '镇养老服务中心已建成运营，设置床位{n}0张，提供日间照料和助餐服务。', suggestion: true },
];

/** Generic progress notes, when a long matter reports more often than its own notes say. */
export const FOLLOW_UPS = ['代表跟踪督办，承办单位正按计划推进', '已向群众通报办理进展', '站长电话督促承办单位加快进度', '承办单位反馈：正按程序办理，预计按期办结', '代表小组到现场察看办理情况'];

/** The dispute behind the mediation case that ends with an agreement (it comes in as an opinion first). */
export const DISPUTE_OPINION = {
  category: 'dispute',
  content: '我家和邻居因为宅基地边界争了好几年，这次他家砌围墙占了我家一米多，多次协商都谈不拢，请求代表帮忙调解。',
  unit: '高沙镇司法所',
  answer: '已转入“一三六九”人民调解，经镇司法所、代表和网格员现场勘界调解，双方签订人民调解协议书，围墙按协议退让。',
};

export const SURNAMES = '王李张刘陈杨黄赵周吴肖曾邓彭谢罗唐蒋尹贺龙石向戴';
export const GIVEN = ['德胜', '桂香', '满秀', '冬生', '春花', '国庆', '秋菊', '建华', '月娥', '志勇', '金莲', '四清', '水生', '翠英', '红军', '艳芳', '石头', '细妹', '和平', '运来', '菊英', '小平', '淑珍', '光明'];

export const RATING_COMMENTS: Record<number, string[]> = {
  5: ['办得快，很满意！', '感谢代表和镇里的帮助', '问题解决了，给代表点赞', '代表说到做到，群众放心'],
  4: ['基本满意，希望以后更快一些', '已经解决，谢谢', '办理结果满意，过程有点慢'],
  3: ['解决了一部分，还需要继续跟进', '答复了，但效果一般'],
  2: ['办理时间太长，跑了好几趟'],
};

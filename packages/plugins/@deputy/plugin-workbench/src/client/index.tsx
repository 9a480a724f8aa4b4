import { Plugin } from '@nocobase/client';

/**
 * The homes are NocoBase blocks and the other plugins' blocks (我的积分, 六个一达标矩阵, 结对帮扶指标,
 * 意见建议办理情况, 联络站概览), registered by those plugins: nothing of its own to register here.
 */
export class PluginWorkbenchClient extends Plugin {}

export default PluginWorkbenchClient;

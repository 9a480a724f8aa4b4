import { Refusal, answerRefusal, translatorFor } from '@deputy/plugin-suite-core';
import zhCN from '../../locale/zh-CN.json';
import { NS } from '../fields';

/** A refusal of the points rules (plugin-deputies' Refusal: status and message, nothing of the change kept). */
export class DutyError extends Refusal {}

export const translate = translatorFor(NS, zhCN);
export const answer = answerRefusal;

import { Refusal, answerRefusal, translatorFor } from '@deputy/plugin-suite-core';
import zhCN from '../../locale/zh-CN.json';
import { NS } from '../fields';

/** A refusal of the 1+N rules (plugin-deputies' Refusal: status and message, nothing of the change kept). */
export class AidError extends Refusal {}

export const translate = translatorFor(NS, zhCN);
export const answer = answerRefusal;

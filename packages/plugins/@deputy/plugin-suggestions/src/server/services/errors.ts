import { Refusal, answerRefusal, translatorFor } from '@deputy/plugin-suite-core';
import zhCN from '../../locale/zh-CN.json';
import { NS } from '../fields';

/** A refusal of the suggestion rules: its status and message, nothing of the change kept. */
export class SuggestionError extends Refusal {}

export const translate = translatorFor(NS, zhCN);
export const answer = answerRefusal;

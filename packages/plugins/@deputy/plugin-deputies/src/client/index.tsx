export { default } from './plugin';
export * from './models/StationOverviewBlockModel';

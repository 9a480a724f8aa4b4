import { isAdministrator, isStationStaff, myDeputy, myStationIds } from '@deputy/plugin-suite-core';

export const idOf = (v: any) => (v && typeof v === 'object' ? v.id : v);

// Who the caller is (administrator, station staff, deputy): plugin-deputies' CallerReach, said once for the suite.
export { isAdministrator, isStationStaff, myDeputy, myStationIds };

import { isAdministrator, isStationStaff, myDeputy, myStationIds } from '@deputy/plugin-suite-core';

/** A relation as a request sends it: the id, or the related row with its id. */
export const idOf = (v: unknown) => (v && typeof v === 'object' ? (v as { id?: unknown }).id : v);

// Who the caller is (administrator, station staff, deputy): plugin-deputies' CallerReach, said once for the suite.
export { isAdministrator, isStationStaff, myDeputy, myStationIds };

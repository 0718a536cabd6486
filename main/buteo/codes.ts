// Buteo's status, major and minor codes (buteo-syncfw SyncCommonDefs.h, SyncResults.h), kept with the
// app's other shared words in main/vocabulary.ts; named here too, for the sync daemon's own folder.
export {
  isMinorCode,
  isSyncStatusName,
  MAJOR_INVALID,
  MajorCode,
  majorName,
  majorNames,
  MinorCode,
  minorNames,
  ProgressDetail,
  statusForMinorCode,
  statusNames,
  SyncStatus,
  type SyncStatusName,
} from '../vocabulary.js';

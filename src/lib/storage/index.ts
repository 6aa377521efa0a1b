export { CardCheck, type CardCheckOptions, type CardState } from './card-check';
export { CardMonitor, type CardMonitorOptions, type CardProblem, type CardStatus } from './card-monitor';
export { FAT_NAME_MAX_UNITS, fatNameProblem } from './fat-names';
export { FAT32_MAX_FILE_BYTES, filesystemLimits, type FilesystemLimits } from './filesystem-limits';
export { freeSpace, type FreeSpace } from './free-space';
export { finishedRecordingFiles, type RecordingPlaces } from './finished-recording-files';
export { FSTAB_PATH, parseFstab, readFstab } from './fstab';
export { decodeMountField, type MountEntry, mountPointFor, pathDepth, pathWithin } from './mount-table';
export { deviceId, MOUNTINFO_PATH, type MountInfoEntry, parseMountInfo, readMountInfo } from './mountinfo';
export { listRecordings, type RecordingListing } from './recording-list';
export { deleteRecording, pruneRecordings, RecordingFileError } from './recording-removal';
export { RecordingStore, type RecordingStoreOptions, type StoredFiles, type StoreRequest } from './recording-store';
export {
  oldestFirst,
  recordingsToRemove,
  retentionPolicyProblem,
  type RetentionPolicy,
  type StoredFile,
} from './retention';
export { storedRecordings } from './stored-recordings';
export { UDEV_DATA_DIRECTORY, volumeFsType } from './volume-fs-type';
export { writeFailureReason } from './write-failure';

/**
 * Vendor portability: export a provider's data as `unicollab-export/1` NDJSON, import it into any
 * provider (idempotent, resumable, refusing silent loss), migrate between two, and verify the result.
 * @module
 */
export { EXPORT_FORMAT, RECORD_KINDS, ExportLineSchema, RecordLineSchema, HeaderLineSchema, TrailerLineSchema, RoomRecordSchema, UserRecordSchema, ThreadRecordSchema, NotificationRecordSchema, DocumentRecordSchema, CommentRecordSchema, ReactionRecordSchema, SharedTypeRecordSchema, exportJsonSchemas } from './schemas.js';
export type { ExportLine, ExportRecord, HeaderLine, TrailerLine, RoomRecord, UserRecord, ThreadRecord, CommentRecord, ReactionRecord, NotificationRecord, DocumentRecord, SharedTypeRecord, RecordKind } from './schemas.js';
export { parseLine, serializeLine, type RecordCounts } from './format.js';
export { exportData, type ExportOptions, type PortabilityProgress } from './export.js';
export { readNdjson, readNdjsonFile, writeNdjson, writeNdjsonFile, type WriteNdjsonOptions } from './ndjson.js';
export { computeLosses, describeLosses, LossCounter, type LossFeature, type LossItem, type LossReport } from './loss.js';
export { importData, LossRefusedError, type ImportOptions, type ImportReport } from './import.js';
export type { ImportSource } from './source.js';
export type { ImportMode, KindTally, ItemTally } from './write-records.js';
export { migrate, type MigrateOptions, type MigrateReport } from './migrate.js';
export { verify, type VerifyOptions, type VerifyReport, type VerifyKind, type VerifyDifference, type KindComparison, type RoomComparison } from './verify.js';
export { importConstraintsOf, threadBulkWritesOf, type ConstraintsFactory } from './constraints.js';
export { IMPORT_CONSTRAINTS, THREAD_BULK_WRITES } from '../core/adapter.js';
export type { ImportConstraints, ImportConstraintRule, ImportConstraintsHook, ConstrainedThread, ConstraintVerdict, ThreadBulkWrites, ThreadBulkWritesHook, BulkThreadWrite, BulkCommentWrite } from '../core/adapter.js';

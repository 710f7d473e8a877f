export { type MigrateResult, migrate, SCHEMA_VERSION } from './migrate.js'
export {
  type EmailNotice,
  type LoggedEmail,
  type LogSubscription,
  type NamespaceOptions,
  NamespaceQuotaError,
  PostgresEmailLog,
} from './postgres-email-log.js'
export {
  type PostgresClusterOptions,
  type StartedPostgresCluster,
  startPostgresCluster,
} from './start-postgres-cluster.js'

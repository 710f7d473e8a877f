export { type MigrateResult, migrate, SCHEMA_VERSION } from './migrate.js'
export {
  type PostgresClusterOptions,
  type StartedPostgresCluster,
  startPostgresCluster,
} from './start-postgres-cluster.js'

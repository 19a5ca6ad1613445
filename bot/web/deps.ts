import type { Config } from "../../config/schema.ts";
import type { Logger } from "../../core/logger.ts";
import type { OracleOperations } from "../../core/oracle/operations.ts";
import type { Oracle } from "../../core/oracle/types.ts";

/** What the web surface needs: the serving core and the registry operations, config and a logger. */
export interface WebDeps {
  oracle: Oracle;
  operations: OracleOperations;
  config: Config;
  log: Logger;
}

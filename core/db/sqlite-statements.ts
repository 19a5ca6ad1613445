// Running direct.ts's statements on a better-sqlite3 connection: `$n` placeholders to SQLite's `?`,
// prepared once; several in one immediate transaction. Used on the SQLite writer thread.
import Database from "better-sqlite3";
import { resolveParams, checked, type Statement, type StatementResult } from "./statements.ts";

const CASTS = /::(timestamp|jsonb)\b/g;

export function sqliteStatements(connection: Database.Database): (statements: Statement[]) => StatementResult[] {
  const prepared = new Map<string, { statement: Database.Statement; order: number[] }>();
  const prepare = (s: Statement) => {
    let p = prepared.get(s.sql);
    if (!p) {
      // SQLite's `?` in order of appearance, each taking the parameter its `$n` names.
      const sql = s.sql.replace(CASTS, "");
      const order = [...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]) - 1);
      p = { statement: connection.prepare(sql.replace(/\$\d+/g, "?")), order };
      prepared.set(s.sql, p);
    }
    return p;
  };
  const inOrder = (statements: Statement[]) => {
    const results: StatementResult[] = [];
    for (const s of statements) {
      const { statement, order } = prepare(s);
      const params = resolveParams(s.params, results);
      const values = order.map((i) => params[i]);
      const rows = statement.reader ? (statement.all(...values) as Record<string, unknown>[]) : [];
      const changes = statement.reader ? rows.length : statement.run(...values).changes;
      results.push(checked(s, { changes, rows }));
    }
    return results;
  };
  const all = connection.transaction(inOrder);
  return (statements) => (statements.length === 1 ? inOrder(statements) : all.immediate(statements));
}

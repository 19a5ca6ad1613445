-- Hand-written (Prisma's schema language has no full-text search): word search over prophecy texts.
-- An FTS5 index over Prophecy.text (external content: the text is stored once), kept current by
-- triggers. A later migration that redefines "Prophecy" (Prisma's RedefineTables) drops these
-- triggers and must re-create them. Accents are kept, as in PostgreSQL's 'simple' configuration.
CREATE VIRTUAL TABLE "ProphecySearch" USING fts5(
    "text",
    content='Prophecy',
    content_rowid='id',
    tokenize='unicode61 remove_diacritics 0'
);

INSERT INTO "ProphecySearch"("ProphecySearch") VALUES ('rebuild');

CREATE TRIGGER "Prophecy_search_insert" AFTER INSERT ON "Prophecy" BEGIN
    INSERT INTO "ProphecySearch"(rowid, "text") VALUES (new."id", new."text");
END;

CREATE TRIGGER "Prophecy_search_delete" AFTER DELETE ON "Prophecy" BEGIN
    INSERT INTO "ProphecySearch"("ProphecySearch", rowid, "text") VALUES ('delete', old."id", old."text");
END;

CREATE TRIGGER "Prophecy_search_update" AFTER UPDATE OF "text" ON "Prophecy" BEGIN
    INSERT INTO "ProphecySearch"("ProphecySearch", rowid, "text") VALUES ('delete', old."id", old."text");
    INSERT INTO "ProphecySearch"(rowid, "text") VALUES (new."id", new."text");
END;

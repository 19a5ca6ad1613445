-- Hand-written (Prisma's schema language has no full-text search): word search over prophecy texts.
-- A stored tsvector column, so neither the GIN index nor a filtering scan recomputes it per row.
-- 'simple': no stemming, so a search finds the words as written (the corpus mixes English and French).
ALTER TABLE "Prophecy" ADD COLUMN "textSearch" tsvector GENERATED ALWAYS AS (to_tsvector('simple', "text")) STORED;

CREATE INDEX "Prophecy_textSearch_idx" ON "Prophecy" USING GIN ("textSearch");

-- CreateIndex
CREATE INDEX "Prophecy_surface_id_idx" ON "Prophecy"("surface", "id");

-- CreateIndex
CREATE INDEX "Prophecy_surface_reactionCount_id_idx" ON "Prophecy"("surface", "reactionCount", "id");

-- CreateIndex
CREATE INDEX "Prophecy_modelVersion_id_idx" ON "Prophecy"("modelVersion", "id");


// Types for the parts of scripts/prisma.mjs that tests use.
export declare const providers: readonly ["sqlite", "postgresql"];
export declare function renderSchema(provider: "sqlite" | "postgresql", models: string): string;

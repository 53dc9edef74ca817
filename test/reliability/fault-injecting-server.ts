import { runLanguageServer } from '../../server/src/language-server';
import { checkByCode } from '../../shared/src';

// The language server with a test-only switch (docs/reliability.md, "Server resilience"):
// `MESH_LENS_FAULT_INJECT=MESH101,MESH170` in its environment makes those checks throw, so the tests
// can prove, through the real server, that a failing check is reported once and the other checks
// still publish. It is its own entry point, built to out/test-server.js, so the shipped
// dist/server.js holds no such switch (test/reliability/fault-injection.test.ts greps it).
for (const code of process.env.MESH_LENS_FAULT_INJECT?.split(',') ?? []) {
  const check = checkByCode(code.trim());
  if (!check) continue;
  check.run = () => {
    throw new Error(`fault injected into ${check.code} by MESH_LENS_FAULT_INJECT`);
  };
}
runLanguageServer();

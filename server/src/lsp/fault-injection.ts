import { checkByCode } from '../../../shared/src';

/**
 * A test-only switch (docs/reliability.md): `MESH_LENS_FAULT_INJECT=MESH101,MESH170` in the server's
 * environment makes those checks throw, so the tests can prove, through the real server, that a
 * failing check is reported once and the other checks still publish. Unset, it does nothing.
 */
export function injectCheckFaults(codes: string | undefined): void {
  for (const code of codes?.split(',') ?? []) {
    const check = checkByCode(code.trim());
    if (!check) continue;
    check.run = () => {
      throw new Error(`fault injected into ${check.code} by MESH_LENS_FAULT_INJECT`);
    };
  }
}

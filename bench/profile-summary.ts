// `node out/bench/profile-summary.js FILE.cpuprofile [--top N]`: the top self-time and inclusive-time
// functions of a V8 CPU profile, named by original source file (bench/cpu-profile.ts).
import { readFileSync } from 'node:fs';
import { type CpuProfile, formatSummary, summariseProfile } from './cpu-profile';

const [file, flag, count] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node out/bench/profile-summary.js FILE.cpuprofile [--top N]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
process.stdout.write(`${formatSummary(summariseProfile(profile, flag === '--top' ? Number(count) : 20))}\n`);

import { boardProfiles } from '../../boards/index.ts';
import { parseCommandArgs } from './args.ts';

export async function boardsCommand(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('boards', args, { lab: { type: 'string' } }, 'boards [--lab FILE]');
  console.log('Board profiles:');
  for (const p of Object.values(boardProfiles)) console.log(`  ${p.name.padEnd(18)} ${p.description}`);
  const labFile = values.lab ?? process.env.HIL_LAB;
  if (labFile) {
    const { loadLabFile } = await import('../lab/lab-file.ts');
    const lab = loadLabFile(labFile);
    console.log(`Boards in ${labFile}:`);
    for (const [name, b] of Object.entries(lab.boards)) console.log(`  ${name.padEnd(18)} ${(b as { profile: string }).profile}`);
  }
  return 0;
}

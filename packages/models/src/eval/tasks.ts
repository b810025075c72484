// The taxonomy tasks that are present in the data folder; each missing one is reported, not fatal.
import { EvalDataMissingError } from './data.js';
import { loadTask, type ParentTask, TAXONOMY_FILES, type TaskId } from './taxonomy.js';

export const TASK_IDS = Object.keys(TAXONOMY_FILES) as TaskId[];

export function loadAvailableTasks(dir?: string): { tasks: ParentTask[]; missing: string[] } {
  const tasks: ParentTask[] = [];
  const missing: string[] = [];
  for (const id of TASK_IDS) {
    try {
      tasks.push(loadTask(id, dir));
    } catch (err) {
      if (!(err instanceof EvalDataMissingError)) throw err;
      missing.push(`${id}: not measured. ${err.message}`);
    }
  }
  return { tasks, missing };
}

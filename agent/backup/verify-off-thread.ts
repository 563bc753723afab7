/**
 * verify.ts's check in a worker thread, for the daemon: PRAGMA integrity_check reads every page
 * (4.3 s for a 65 MB copy on the shared development machine), and the daemon's event loop — probes
 * in flight, scrapes — must not wait for it. The worker runs inspectDatabase's own source text
 * (it is self-contained for that reason), so the check is written once; the verdict and its
 * messages are made here, on the main thread, by the same judge() the command line uses. The
 * worker lives for the check only (a few MB while it runs, once a day).
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { migrations } from "../store/migrations.js";
import {
  fileBytes,
  inspectDatabase,
  judge,
  notADatabase,
  type Inspection,
  type VerifiedDatabase,
} from "./verify.js";

type Reply = { ok: true; inspection: Inspection } | { ok: false; code?: string; message: string };

const WORKER_SOURCE = (inspect: string) => `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.sqlite);
const inspect = (${inspect});
let db;
try {
  db = new Database(workerData.path, { readonly: true, fileMustExist: true });
  parentPort.postMessage({ ok: true, inspection: inspect(db, workerData.known) });
} catch (error) {
  parentPort.postMessage({ ok: false, code: error && error.code, message: String(error && error.message) });
} finally {
  if (db) db.close();
}
`;

export async function verifyAgentDatabaseOffThread(path: string): Promise<VerifiedDatabase> {
  const bytes = fileBytes(path);
  const worker = new Worker(WORKER_SOURCE(inspectDatabase.toString()), {
    eval: true,
    workerData: {
      path,
      known: migrations.length,
      sqlite: createRequire(import.meta.url).resolve("better-sqlite3"),
    },
  });
  const reply = await new Promise<Reply>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) =>
      reject(new Error(`the verification worker exited (code ${code}) without a verdict`)),
    );
  }).finally(() => void worker.terminate());
  if (!reply.ok) throw notADatabase(path, Object.assign(new Error(reply.message), { code: reply.code }));
  return judge(path, reply.inspection, bytes);
}

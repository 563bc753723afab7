/**
 * `ops-agent user passwd NAME`: a console password as a scrypt hash line for the config's
 * `console.users`. The password is read from the terminal without echo (asked twice), or from the
 * first line of stdin when it is not a terminal (scripts); it is never an argument, which `ps`
 * and the shell history would show. Prints the user entry to paste; nothing is written.
 */
import { createInterface } from "node:readline";
import { CONSOLE_ROLES } from "../../config/console.js";
import { hashPassword } from "../console/password.js";

const NAME = /^[A-Za-z0-9_.@-]{1,64}$/;
const MIN_LENGTH = 10;

function askHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // Mute the echo: readline writes each typed character through _writeToOutput.
    const out = rl as unknown as { _writeToOutput: (s: string) => void };
    process.stderr.write(question);
    out._writeToOutput = () => undefined;
    rl.question("", (answer) => {
      rl.close();
      process.stderr.write("\n");
      resolve(answer);
    });
  });
}

async function firstLineOfStdin(): Promise<string> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return "";
}

export async function userPasswdCommand(name: string, options: { role: string }): Promise<number> {
  if (!NAME.test(name)) {
    console.error(
      `user passwd: NAME: expected a login name of letters, digits, '.', '_', '@' or '-' (max 64), got "${name}"`,
    );
    return 78;
  }
  if (!(CONSOLE_ROLES as readonly string[]).includes(options.role)) {
    console.error(`user passwd: --role: expected one of ${CONSOLE_ROLES.join(", ")}, got "${options.role}"`);
    return 78;
  }
  let password: string;
  if (process.stdin.isTTY) {
    password = await askHidden(`password for ${name}: `);
    if ((await askHidden("again: ")) !== password) {
      console.error("user passwd: the two passwords differ; nothing printed");
      return 1;
    }
  } else password = await firstLineOfStdin();
  if ([...password].length < MIN_LENGTH) {
    console.error(
      `user passwd: the password has ${[...password].length} characters; use at least ${MIN_LENGTH}`,
    );
    return 78;
  }
  const hash = await hashPassword(password);
  console.error(
    "add this entry under console.users in the config (or replace the user's password_hash), then reload the agent (SIGHUP):",
  );
  console.log(`  - name: ${name}\n    role: ${options.role}\n    password_hash: "${hash}"`);
  return 0;
}

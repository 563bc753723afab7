/**
 * A throw-away certificate authority for tests, made with the openssl CLI in a temp dir: a CA
 * certificate and a server certificate for 127.0.0.1 / localhost signed by it. Tests that need a
 * "real" HTTPS chain (trusted through tls_ca_file, rejected without it) use this instead of a
 * self-signed leaf.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCa {
  dir: string;
  /** PEM paths. */
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  /** The server key and certificate read into memory, ready for https.createServer(). */
  serverTls(): { key: string; cert: string };
  /** Removes the temp dir. */
  cleanup(): void;
}

function openssl(args: string[]): void {
  execFileSync("openssl", args, { stdio: "ignore" });
}

/** Creates a CA named `name` and a server certificate for 127.0.0.1 and localhost signed by it. */
export function createTestCa(name = "ops-agent test CA"): TestCa {
  const dir = mkdtempSync(join(tmpdir(), "ops-agent-ca-"));
  const caKey = join(dir, "ca.key");
  const caCert = join(dir, "ca.pem");
  const serverKey = join(dir, "server.key");
  const serverCsr = join(dir, "server.csr");
  const serverCert = join(dir, "server.pem");
  const ext = join(dir, "server.ext");
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  try {
    openssl([
      "req",
      "-x509",
      ...ec,
      "-keyout",
      caKey,
      "-out",
      caCert,
      "-days",
      "2",
      "-subj",
      `/CN=${name}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    openssl(["req", "-new", ...ec, "-keyout", serverKey, "-out", serverCsr, "-subj", "/CN=127.0.0.1"]);
    writeFileSync(
      ext,
      [
        "basicConstraints=CA:FALSE",
        "keyUsage=critical,digitalSignature",
        "extendedKeyUsage=serverAuth",
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "",
      ].join("\n"),
    );
    openssl([
      "x509",
      "-req",
      "-in",
      serverCsr,
      "-CA",
      caCert,
      "-CAkey",
      caKey,
      "-CAcreateserial",
      "-out",
      serverCert,
      "-days",
      "2",
      "-extfile",
      ext,
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`test CA: openssl failed (is the openssl CLI installed?): ${(error as Error).message}`, {
      cause: error,
    });
  }
  return {
    dir,
    caCert,
    caKey,
    serverCert,
    serverKey,
    serverTls: () => ({ key: readFileSync(serverKey, "utf8"), cert: readFileSync(serverCert, "utf8") }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface SelfSigned {
  dir: string;
  /** PEM paths; the certificate is its own CA (use it as tls_ca_file to trust it). */
  certFile: string;
  keyFile: string;
  /** Key and certificate read into memory, ready for https.createServer(). */
  tls(): { key: string; cert: string };
  cleanup(): void;
}

/** A self-signed certificate for 127.0.0.1 only (no CA chain): what an unconfigured appliance serves. */
export function createSelfSigned(): SelfSigned {
  const dir = mkdtempSync(join(tmpdir(), "ops-agent-selfsigned-"));
  const keyFile = join(dir, "key.pem");
  const certFile = join(dir, "cert.pem");
  try {
    openssl([
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "2",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    certFile,
    keyFile,
    tls: () => ({ key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8") }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Real certificates for TLS tests, made with the `openssl` CLI in a test's directory: a CA, leaf certificates it
 * signs (for 127.0.0.1/localhost, a client, an expired one). EC P-256 keys: fast to generate.
 *
 * OpenSSL 3.0's `x509 -days` cannot go back in time, so a certificate with a past validity is signed with
 * `openssl ca -startdate/-enddate` (which takes any dates) from a throw-away CA database.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const HAVE_OPENSSL = spawnSync("openssl", ["version"]).status === 0;

export interface CertFiles {
  cert: string;
  key: string;
}

export interface LeafOptions {
  /** subjectAltName, e.g. `IP:127.0.0.1,DNS:localhost`; none for a client certificate. */
  san?: string;
  /** serverAuth (default) or clientAuth. */
  usage?: "serverAuth" | "clientAuth";
  /** Hex serial; default: the CA's counter. */
  serial?: string;
  /** A validity in the past: `openssl ca` dates, e.g. 20200101000000Z. */
  notBefore?: string;
  notAfter?: string;
}

function openssl(args: readonly string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

function newKeyArgs(keyOut: string): string[] {
  return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", keyOut];
}

/** A CA in `dir/<name>/` that signs leaf certificates. */
export class TestCa {
  readonly dir: string;
  readonly cert: string;
  readonly key: string;
  private nextSerial = 0x1000;

  constructor(parent: string, readonly name: string) {
    this.dir = path.join(parent, name);
    fs.mkdirSync(this.dir, { recursive: true });
    this.cert = path.join(this.dir, "ca.pem");
    this.key = path.join(this.dir, "ca.key");
    openssl(
      ["req", "-x509", ...newKeyArgs(this.key), "-days", "2", "-subj", `/CN=${name}`,
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", this.cert],
      this.dir,
    );
  }

  /** A key and a certificate signed by this CA, as `<leaf>.pem` / `<leaf>.key`. */
  issue(leaf: string, options: LeafOptions = {}): CertFiles & { serial: string } {
    const cert = path.join(this.dir, `${leaf}.pem`);
    const key = path.join(this.dir, `${leaf}.key`);
    const csr = path.join(this.dir, `${leaf}.csr`);
    const ext = path.join(this.dir, `${leaf}.ext`);
    const serial = options.serial ?? (this.nextSerial++).toString(16).toUpperCase();
    openssl(["req", "-new", ...newKeyArgs(key), "-subj", `/CN=${leaf}`, "-out", csr], this.dir);
    const extLines = ["basicConstraints=CA:FALSE", `extendedKeyUsage=${options.usage ?? "serverAuth"}`];
    if (options.san !== undefined) extLines.push(`subjectAltName=${options.san}`);
    fs.writeFileSync(ext, `${extLines.join("\n")}\n`);
    if (options.notBefore === undefined && options.notAfter === undefined) {
      openssl(["x509", "-req", "-in", csr, "-CA", this.cert, "-CAkey", this.key, "-set_serial", `0x${serial}`, "-days", "2", "-extfile", ext, "-out", cert], this.dir);
    } else {
      const db = path.join(this.dir, `${leaf}-db`);
      fs.mkdirSync(db, { recursive: true });
      fs.writeFileSync(path.join(db, "index.txt"), "");
      fs.writeFileSync(path.join(db, "serial"), `${serial}\n`);
      const cnf = path.join(db, "ca.cnf");
      fs.writeFileSync(
        cnf,
        `[ca]\ndefault_ca = c\n[c]\ndatabase = ${db}/index.txt\nnew_certs_dir = ${db}\nserial = ${db}/serial\n` +
          "default_md = sha256\npolicy = p\nunique_subject = no\n[p]\ncommonName = supplied\n",
      );
      openssl(
        ["ca", "-batch", "-config", cnf, "-cert", this.cert, "-keyfile", this.key, "-in", csr, "-out", cert, "-notext",
          "-extfile", ext, "-startdate", options.notBefore ?? "20200101000000Z", "-enddate", options.notAfter ?? "20200102000000Z"],
        this.dir,
      );
    }
    return { cert, key, serial };
  }
}

/** A server certificate for 127.0.0.1 and localhost. */
export const LOCAL_SAN = "IP:127.0.0.1,DNS:localhost";

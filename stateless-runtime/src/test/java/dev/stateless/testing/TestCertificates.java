package dev.stateless.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for a TLS {@code redis-server}, made at test time: with the {@code openssl} command
 * when it is on the {@code PATH} (milliseconds; {@code .ci/run} installs it), else with the JDK's
 * {@code keytool} (nothing to install, but seven JVM starts: seconds). A test CA, a server
 * certificate it signed for {@code 127.0.0.1} and {@code localhost}, the server's private key, and
 * a second CA that signed nothing of the server's (trusting it alone must fail verification). Every
 * file is PEM, as redis-server and Lettuce read them.
 *
 * @param ca the test CA's certificate
 * @param certificate the server's certificate, signed by {@code ca}
 * @param key the server's private key (PKCS#8)
 * @param otherCa a CA certificate that did not sign the server's
 */
public record TestCertificates(Path ca, Path certificate, Path key, Path otherCa) {
  private static final String PASSWORD = "changeit";

  /** Makes the files in {@code dir} (EC P-256 keys, valid for two days). */
  public static TestCertificates create(Path dir) {
    Path openssl = onPath("openssl");
    return openssl != null ? withOpenssl(openssl, dir) : withKeytool(dir);
  }

  private static TestCertificates withOpenssl(Path openssl, Path dir) {
    TestCertificates files = files(dir);
    Path caKey = dir.resolve("ca-key.pem");
    Path csr = dir.resolve("server.csr");
    Path extensions = dir.resolve("server-ext.cnf");
    newCa(openssl, files.ca(), caKey, "stateless test CA");
    newCa(openssl, files.otherCa(), dir.resolve("other-ca-key.pem"), "stateless other CA");
    run(
        openssl.toString(),
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        files.key(),
        "-out",
        csr,
        "-subj",
        "/CN=127.0.0.1");
    try {
      Files.writeString(
          extensions, "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + extensions, e);
    }
    run(
        openssl.toString(),
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        files.ca(),
        "-CAkey",
        caKey,
        "-set_serial",
        "2",
        "-days",
        "2",
        "-extfile",
        extensions,
        "-out",
        files.certificate());
    return files;
  }

  private static void newCa(Path openssl, Path certificate, Path key, String name) {
    run(
        openssl.toString(),
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        key,
        "-out",
        certificate,
        "-days",
        "2",
        "-subj",
        "/CN=" + name,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
  }

  private static TestCertificates files(Path dir) {
    return new TestCertificates(
        dir.resolve("ca.pem"),
        dir.resolve("server.pem"),
        dir.resolve("server-key.pem"),
        dir.resolve("other-ca.pem"));
  }

  private static TestCertificates withKeytool(Path dir) {
    Path caStore = dir.resolve("ca.p12");
    Path serverStore = dir.resolve("server.p12");
    Path otherStore = dir.resolve("other-ca.p12");
    Path csr = dir.resolve("server.csr");
    TestCertificates files = files(dir);
    newKeyPair(caStore, "ca", "CN=stateless test CA", "bc:c");
    newKeyPair(otherStore, "ca", "CN=stateless other CA", "bc:c");
    newKeyPair(serverStore, "server", "CN=127.0.0.1", null);
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", caStore, "-file", files.ca());
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", otherStore, "-file", files.otherCa);
    keytool("-certreq", "-alias", "server", "-keystore", serverStore, "-file", csr);
    keytool(
        "-gencert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        caStore,
        "-infile",
        csr,
        "-outfile",
        files.certificate(),
        "-validity",
        "2",
        "-ext",
        "san=ip:127.0.0.1,dns:localhost",
        "-ext",
        "eku=serverAuth");
    writePrivateKey(serverStore, "server", files.key());
    return files;
  }

  private static void newKeyPair(Path store, String alias, String name, String basicConstraints) {
    List<Object> args =
        new ArrayList<>(
            List.of(
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                name,
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store));
    if (basicConstraints != null) {
      args.addAll(List.of("-ext", basicConstraints));
    }
    keytool(args.toArray());
  }

  /** keytool has no way to write a private key out: the key store API has. */
  private static void writePrivateKey(Path store, String alias, Path pem) {
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, PASSWORD.toCharArray());
      PrivateKey key = (PrivateKey) ks.getKey(alias, PASSWORD.toCharArray());
      String body =
          Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(key.getEncoded());
      Files.writeString(
          pem, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + pem, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the key of " + store, e);
    }
  }

  private static void keytool(Object... args) {
    List<Object> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "keytool"));
    // A short-lived JVM: the C1 compiler alone starts it about twice as fast.
    argv.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
    argv.addAll(List.of(args));
    argv.addAll(List.of("-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt"));
    run(argv.toArray());
  }

  private static void run(Object... command) {
    List<String> argv = new ArrayList<>();
    for (Object a : command) {
      argv.add(a.toString());
    }
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String output;
      try (InputStream in = p.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", argv) + " failed: " + output.strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + argv.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + argv.get(0), e);
    }
  }

  private static Path onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String entry : path.split(File.pathSeparator)) {
      Path candidate = Path.of(entry.isEmpty() ? "." : entry, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}

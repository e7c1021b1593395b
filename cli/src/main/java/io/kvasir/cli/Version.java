package io.kvasir.cli;

import picocli.CommandLine;

/** Version string from the jar manifest (or "dev" when run from classes). */
final class Version implements CommandLine.IVersionProvider {
    static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"kvasir " + get(), "Java " + Runtime.version()};
    }
}

package io.kvasir.cli;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Undoes the ./kvasir launcher's boot-time stderr filter. The JVM prints "WARNING: Using incubator
 * modules" while it boots, before any kvasir code runs, and no option turns that off; so the launcher
 * starts the JVM with stderr piped through a filter and the real stderr kept on another descriptor
 * ({@code -Dkvasir.stderr.fd=3}). Here, first thing in main, that descriptor is put back on fd 2
 * with dup2, so everything kvasir writes reaches stderr directly and stays in order with stdout
 * (a filter process would deliver it late). Without the property (tests, plain java -jar) nothing
 * changes.
 */
final class LauncherStderr {
    static final String PROPERTY = "kvasir.stderr.fd";

    private LauncherStderr() {}

    static void restore() {
        String value = System.getProperty(PROPERTY);
        if (value == null) {
            return;
        }
        try {
            int saved = Integer.parseInt(value);
            Linker linker = Linker.nativeLinker();
            FunctionDescriptor intInt = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
            MethodHandle dup2 = linker.downcallHandle(linker.defaultLookup().find("dup2").orElseThrow(), intInt);
            MethodHandle close = linker.downcallHandle(linker.defaultLookup().find("close").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            System.err.flush();
            if ((int) dup2.invokeExact(saved, 2) == 2) {
                int ignored = (int) close.invokeExact(saved);
            }
        } catch (Throwable e) {
            // Keep the filtered stderr: every line still arrives, only possibly after later stdout lines.
        }
    }
}

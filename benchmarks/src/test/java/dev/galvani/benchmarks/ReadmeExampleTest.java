package dev.galvani.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** The README's first example compiles and runs exactly as written. */
class ReadmeExampleTest {

    @Test
    void readmeExampleRunsAsWritten() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = Pattern.compile("```java\\n(.*?public class (\\w+).*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md has no ```java block with a public class");
        String source = m.group(1), name = m.group(2);
        Path dir = Files.createTempDirectory("readme-example");
        Files.writeString(dir.resolve(name + ".java"), source);
        var compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = compiler.run(null, null, new PrintStream(diagnostics), "--add-modules", "jdk.incubator.vector", "-proc:none",
                "-cp", System.getProperty("java.class.path"), "-d", dir.toString(), dir.resolve(name + ".java").toString());
        assertEquals(0, rc, "the README example does not compile:\n" + diagnostics);
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var loader = new URLClassLoader(new java.net.URL[]{dir.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(out));
            loader.loadClass(name).getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(original);
        }
        List<String> lines = out.toString().lines().toList();
        assertTrue(lines.get(0).startsWith("tensor([["), "unexpected output:\n" + out);
        // The example trains: its last printed loss is well below its first.
        List<Double> losses = lines.stream().filter(l -> l.startsWith("step ")).map(l -> Double.parseDouble(l.substring(l.indexOf("loss ") + 5))).toList();
        assertTrue(losses.size() == 4 && losses.get(3) < 0.5 * losses.get(0), "losses " + losses + "\n" + out);
    }
}

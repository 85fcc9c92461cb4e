import dev.hwf.launcher.cli.Main;
import java.io.File;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes hwf's man pages (AsciiDoc, one per command) into the directory given, with picocli's own
 * generator from the same command-line model that parses hwf's arguments, so the pages cannot drift
 * from the commands. bin/release runs it (java's source launcher, with hwf's jars and
 * picocli-codegen on the class path) and turns the pages into roff with asciidoctor.
 */
public final class ManPages {
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ManPages OUTDIR");
            System.exit(2);
        }
        System.exit(ManPageGenerator.generateManPage(new File(args[0]), null, new boolean[0], true,
                Main.commandLine().getCommandSpec()));
    }
}

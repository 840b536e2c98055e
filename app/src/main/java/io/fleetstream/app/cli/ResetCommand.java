package io.fleetstream.app.cli;

import io.fleetstream.app.reset.ApplicationReset;
import io.fleetstream.app.reset.ResetPlan;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/** For operators: a topology application starts over from the beginning of its input. */
@Command(name = "reset", mixinStandardHelpOptions = true,
        description = {"Make a topology application reprocess its input from the start: delete its internal topics "
                + "(<application id>-*-changelog, -repartition), its consumer group (the committed offsets) and its "
                + "local state directory.",
                "Refuses while any instance of the application is running. Output topics are left as they are."})
public final class ResetCommand implements Callable<Integer> {

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    @Mixin
    ClusterOptions cluster;

    @Mixin
    ApplicationOptions application;

    @Option(names = "--dry-run", description = "list what would be deleted, and delete nothing")
    boolean dryRun;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String applicationId = application.applicationId;
        try (Admin admin = Admin.create(cluster.adminProperties())) {
            ApplicationReset reset = new ApplicationReset(admin, ADMIN_TIMEOUT);
            ResetPlan plan = reset.plan(applicationId, application.stateDirOr(ApplicationOptions.DEFAULT_STATE_DIR));
            if (plan.isEmpty()) {
                out.println("nothing to reset for application " + applicationId);
                return 0;
            }
            out.println((dryRun ? "would delete, for application " : "deleting, for application ") + applicationId + ":");
            plan.lines().forEach(line -> out.println("  " + line));
            if (!dryRun) {
                reset.execute(plan);
                out.println("done: application " + applicationId + " reads its input from the earliest offset when it starts");
            }
            return 0;
        } catch (RuntimeException e) {
            err.println("reset refused or failed: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }
}

package dev.hoist.dsl;

import groovy.lang.Binding;
import groovy.lang.Closure;
import groovy.lang.DelegatesTo;
import groovy.lang.MissingMethodException;
import groovy.lang.Script;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The base class of hoist scripts: every word a script can write at its top level. Editors that
 * know it (a {@code @BaseScript} line, or IntelliJ's GDSL/VS Code Groovy settings, see the README)
 * complete the words, and the {@code @DelegatesTo} of each block completes the words inside it.
 */
public abstract class HoistScript extends Script {

    protected HoistScript() {
    }

    protected HoistScript(Binding binding) {
        super(binding);
    }

    private HoistSession session() {
        return (HoistSession) getBinding().getVariable(HoistSession.BINDING);
    }

    /** Defines a registry: {@code registry 'gitea', { host '...'; namespace '...' }}. */
    public RegistrySpec registry(String name,
                                 @DelegatesTo(value = RegistrySpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        return session().defineRegistry(name, body);
    }

    /** A registry defined earlier, as a target: {@code to registry('gitea')}. */
    public RegistrySpec registry(String name) {
        return session().registry(name);
    }

    /** A filter: {@code def stable = filter { tag semver('>=1 <2') }}. */
    public FilterSpec filter(@DelegatesTo(value = FilterSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        return session().filter(body);
    }

    /** A named filter, for {@code select filter('stable')} in other files. */
    public FilterSpec filter(String name, @DelegatesTo(value = FilterSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        return session().defineFilter(name, body);
    }

    public FilterSpec filter(String name) {
        return session().namedFilter(name);
    }

    /** Defines a plan: {@code plan 'release', { from ...; to ... }}. */
    public PlanSpec plan(String name, @DelegatesTo(value = PlanSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        return session().definePlan(name, body);
    }

    public PlanSpec plan(String name) {
        return session().plan(name);
    }

    /** Runs a plan on the engine, with the same progress as the command line; returns its result. */
    public PushOutcome push(String plan) {
        return session().push(plan, false);
    }

    public PushOutcome push(PlanSpec plan) {
        return session().push(plan, false);
    }

    /** Pushes a plan written inline. */
    public PushOutcome push(@DelegatesTo(value = PlanSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        return session().push(session().inlinePlan(body), false);
    }

    /** What a push would upload, mount and skip, with sizes; nothing is written. */
    public PushOutcome dryRun(String plan) {
        return session().push(plan, true);
    }

    public PushOutcome dryRun(PlanSpec plan) {
        return session().push(plan, true);
    }

    public PushOutcome dryRun(@DelegatesTo(value = PlanSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        return session().push(session().inlinePlan(body), true);
    }

    /** The images a plan selects, without pushing or contacting a registry. */
    public List<ImageInfo> images(String plan) {
        return session().images(plan);
    }

    public List<ImageInfo> images(PlanSpec plan) {
        return session().images(plan);
    }

    public List<ImageInfo> images(@DelegatesTo(value = PlanSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        return session().images(session().inlinePlan(body));
    }

    /** Evaluates another script (relative to this one) in the same session: its registries, plans, variables and methods. */
    public void include(String path) {
        session().include(path);
    }

    /** {@code -P NAME=VALUE} from the command line: {@code params.version}, {@code params.get('version', '1.0')}. */
    public Map<String, String> getParams() {
        return session().params();
    }

    /** A secret in an environment variable: {@code password env('REGISTRY_PASSWORD')}. */
    public Secret env(String name) {
        return Secret.env(name);
    }

    /** A user name and password in two environment variables: {@code credentials env('GITEA_USERNAME', 'GITEA_PASSWORD')}. */
    public CredentialRef env(String userVariable, String passwordVariable) {
        return new CredentialRef(CredentialRef.Kind.BASIC, Secret.env(userVariable), Secret.env(passwordVariable));
    }

    /** A bearer token: {@code credentials token(env('REGISTRY_TOKEN'))}. */
    public CredentialRef token(Secret secret) {
        return new CredentialRef(CredentialRef.Kind.BEARER, null, secret);
    }

    public CredentialRef token(String literal) {
        return token(Secret.literal(literal));
    }

    /** The logins of docker and podman (config.json, auth.json, credential helpers). */
    public CredentialRef dockerConfig() {
        return new CredentialRef(CredentialRef.Kind.DOCKER_CONFIG, null, null);
    }

    /** hoist's own login store ({@code hoist login}). */
    public CredentialRef login() {
        return new CredentialRef(CredentialRef.Kind.LOGIN, null, null);
    }

    /** The secret idpbuilder keeps for its Gitea ({@code idpbuilder get secrets -p gitea}), for gitea.cnoe.localtest.me hosts. */
    public CredentialRef idpbuilder() {
        return new CredentialRef(CredentialRef.Kind.IDPBUILDER, null, null);
    }

    /** A secret in a file (relative to the script): a password, a token, or {@code USER:PASSWORD} for {@code credentials}. */
    public Secret file(String path) {
        return session().secretFile(path);
    }

    /** A semantic version range for {@code tag}: {@code semver('>=1.0 <2')}, {@code semver('^1.4')}. */
    public SemverRange semver(String range) {
        return session().semver(range);
    }

    /** A filter passing what any of the filters passes: {@code select any(stable, nightly)}. */
    public FilterSpec any(FilterSpec... filters) {
        return session().anyOf(List.of(filters));
    }

    /** A filter passing what the filter does not. */
    public FilterSpec not(FilterSpec filter) {
        return session().notOf(filter);
    }

    /** docker-save or OCI archives matching a glob, relative to the script: {@code archives('dist/*.tar')}. */
    public Source archives(String... globs) {
        return session().archives(List.of(globs));
    }

    /** An OCI image layout directory: a source in {@code from}, a target in {@code to}. */
    public Source layout(String dir) {
        return session().layout(dir);
    }

    /** Images of the Docker daemon whose {@code REPO:TAG} matches the glob. */
    public Source daemon(String pattern) {
        return session().daemon(pattern);
    }

    /** A directory built into an image (Jib) when the push runs: {@code build('site/') { tag 'demo/site:1.0' }}. */
    public Source build(String dir, @DelegatesTo(value = BuildSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        return session().build(dir, body);
    }

    public Source build(String dir) {
        return session().build(dir, null);
    }

    /** That many days before now, for {@code createdAfter daysAgo(30)} and {@code where}. */
    public Instant daysAgo(Number days) {
        return Instant.now().minus(Duration.ofMinutes(Math.round(days.doubleValue() * 24 * 60)));
    }

    /**
     * Methods defined in included scripts are callable here as if defined in this one.
     */
    @Override
    public Object invokeMethod(String name, Object args) {
        try {
            return super.invokeMethod(name, args);
        } catch (MissingMethodException e) {
            if (!name.equals(e.getMethod())) {
                throw e;
            }
            var found = session().includedMethod(name, args);
            if (found != null) {
                return found.invokeMethod(name, args);
            }
            return session().missing(e);
        }
    }
}

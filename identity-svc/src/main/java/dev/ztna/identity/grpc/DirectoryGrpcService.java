package dev.ztna.identity.grpc;

import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.CallerContext;
import dev.ztna.common.error.Errors;
import dev.ztna.common.crypto.Totp;
import dev.ztna.identity.service.UserDirectory;
import dev.ztna.proto.identity.v1.CreateUserRequest;
import dev.ztna.proto.identity.v1.CreateUserResponse;
import dev.ztna.proto.identity.v1.DirectoryService;
import dev.ztna.proto.identity.v1.ImportOutcome;
import dev.ztna.proto.identity.v1.ImportUsersRequest;
import dev.ztna.proto.identity.v1.ImportUsersResponse;
import dev.ztna.proto.identity.v1.ImportedUser;
import dev.ztna.proto.identity.v1.ListUsersRequest;
import dev.ztna.proto.identity.v1.ListUsersResponse;
import dev.ztna.proto.identity.v1.UserInfo;
import java.util.List;
import dev.ztna.proto.identity.v1.DisableUserRequest;
import dev.ztna.proto.identity.v1.DisableUserResponse;
import dev.ztna.proto.identity.v1.EnableUserRequest;
import dev.ztna.proto.identity.v1.EnableUserResponse;
import dev.ztna.proto.identity.v1.RevokeUserSessionsRequest;
import dev.ztna.proto.identity.v1.RevokeUserSessionsResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

import java.util.LinkedHashSet;
import java.util.Set;

@GrpcService
public class DirectoryGrpcService implements DirectoryService {

    private final UserDirectory directory;

    public DirectoryGrpcService(UserDirectory directory) {
        this.directory = directory;
    }

    @Override
    @Blocking
    public Uni<CreateUserResponse> createUser(CreateUserRequest request) {
        Caller admin = CallerContext.requireRole("admin");
        String username = Inputs.username(request.getUsername());
        String password = Inputs.newPassword(request.getPassword());
        Set<String> groups = new LinkedHashSet<>();
        request.getGroupsList().forEach(g -> groups.add(Inputs.group(g)));
        Set<String> roles = roles(request.getRolesList());
        attributes(request.getAttributesMap());
        try {
            UserDirectory.Created created = directory.create(admin.name(), username, password, groups, roles,
                    request.getAttributesMap(), null);
            return Uni.createFrom().item(CreateUserResponse.newBuilder()
                    .setUserId(created.id().toString())
                    .setTotpUri(Totp.uri("ZTNA", username, created.totpSecret()))
                    .build());
        } catch (UserDirectory.UsernameTaken e) {
            throw Errors.alreadyExists("USERNAME_TAKEN", "username already exists");
        } catch (UserDirectory.BadAttribute e) {
            throw Errors.invalidArgument(e.field(), e.getMessage());
        }
    }

    @Override
    @Blocking
    public Uni<DisableUserResponse> disableUser(DisableUserRequest request) {
        Caller admin = CallerContext.requireRole("admin");
        String username = Inputs.username(request.getUsername());
        String reason = Inputs.reason(request.getReason());
        change(() -> directory.disable(admin.name(), username, reason));
        return Uni.createFrom().item(DisableUserResponse.getDefaultInstance());
    }

    @Override
    @Blocking
    public Uni<EnableUserResponse> enableUser(EnableUserRequest request) {
        Caller admin = CallerContext.requireRole("admin");
        String username = Inputs.username(request.getUsername());
        change(() -> directory.enable(admin.name(), username));
        return Uni.createFrom().item(EnableUserResponse.getDefaultInstance());
    }

    @Override
    @Blocking
    public Uni<RevokeUserSessionsResponse> revokeUserSessions(RevokeUserSessionsRequest request) {
        Caller admin = CallerContext.requireRole("admin");
        String username = Inputs.username(request.getUsername());
        String reason = Inputs.reason(request.getReason());
        change(() -> directory.revokeSessions(admin.name(), username, reason));
        return Uni.createFrom().item(RevokeUserSessionsResponse.getDefaultInstance());
    }

    @Override
    @Blocking
    public Uni<ListUsersResponse> listUsers(ListUsersRequest request) {
        CallerContext.requireRole("admin");
        if (request.getPageSize() < 0 || request.getPageSize() > 1000) {
            throw Errors.invalidArgument("page_size", "must be 0..1000 (0 for the default of 100)");
        }
        int size = request.getPageSize() == 0 ? 100 : request.getPageSize();
        String after = "";
        if (!request.getPageToken().isEmpty()) {
            try {
                after = new String(java.util.Base64.getUrlDecoder().decode(request.getPageToken()),
                        java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw Errors.invalidArgument("page_token", "is not a token this server issued");
            }
        }
        List<UserDirectory.Listed> page = directory.page(after, size + 1);
        ListUsersResponse.Builder out = ListUsersResponse.newBuilder();
        for (UserDirectory.Listed u : page.subList(0, Math.min(size, page.size()))) {
            out.addUsers(info(u));
        }
        if (page.size() > size) {
            out.setNextPageToken(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    page.get(size - 1).username().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return Uni.createFrom().item(out.build());
    }

    @Override
    @Blocking
    public Uni<dev.ztna.proto.identity.v1.UpdateUserResponse> updateUser(dev.ztna.proto.identity.v1.UpdateUserRequest request) {
        Caller admin = CallerContext.requireRole("admin");
        String username = Inputs.username(request.getUsername());
        Set<String> groups = null;
        if (request.getReplaceGroups()) {
            groups = new LinkedHashSet<>();
            for (String g : request.getGroupsList()) {
                groups.add(Inputs.group(g));
            }
        } else if (request.getGroupsCount() > 0) {
            throw Errors.invalidArgument("replace_groups", "set it to replace the groups with the ones listed");
        }
        Set<String> roles = null;
        if (request.getReplaceRoles()) {
            roles = roles(request.getRolesList());
        } else if (request.getRolesCount() > 0) {
            throw Errors.invalidArgument("replace_roles", "set it to replace the roles with the ones listed");
        }
        attributes(request.getAttributesMap());
        String reason = Inputs.reason(request.getReason());
        Set<String> newGroups = groups;
        Set<String> newRoles = roles;
        UserDirectory.Listed[] updated = new UserDirectory.Listed[1];
        change(() -> updated[0] = directory.update(admin.name(), username, newGroups, newRoles,
                request.getAttributesMap(), request.getRevokeSessions(), reason));
        return Uni.createFrom().item(dev.ztna.proto.identity.v1.UpdateUserResponse.newBuilder()
                .setUser(info(updated[0])).build());
    }

    static UserInfo info(UserDirectory.Listed u) {
        UserInfo.Builder info = UserInfo.newBuilder().setUserId(u.id().toString()).setUsername(u.username())
                .addAllGroups(u.groups()).addAllRoles(u.roles()).setEnabled(u.enabled())
                .setCreateTime(AuthGrpcService.timestamp(u.createdAt())).putAllAttributes(u.attributes());
        if (u.federatedIssuer() != null) {
            info.setFederatedIssuer(u.federatedIssuer());
        }
        return info.build();
    }

    private static Set<String> roles(List<String> values) {
        Set<String> roles = new LinkedHashSet<>();
        for (int i = 0; i < values.size(); i++) {
            if (!ROLE.matcher(values.get(i)).matches()) {
                throw Errors.invalidArgument("roles[" + i + "]", "'" + values.get(i)
                        + "' must be 1..64 of a-z, 0-9 and -, starting with a letter");
            }
            roles.add(values.get(i));
        }
        return roles;
    }

    private static void attributes(java.util.Map<String, String> attributes) {
        java.util.Map<String, String> problems = dev.ztna.identity.service.DirectoryAttributes.problems("attributes",
                attributes);
        if (!problems.isEmpty()) {
            throw Errors.invalidArguments("bad attribute(s): " + problems.entrySet().iterator().next(), problems);
        }
    }

    static final int MAX_IMPORT_BYTES = 1 << 20;
    static final int MAX_IMPORT_ROWS = 10_000;
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._@-]{1,128}");
    private static final java.util.regex.Pattern ROLE = java.util.regex.Pattern.compile("[a-z][a-z0-9-]{0,63}");

    @Override
    @Blocking
    public Uni<ImportUsersResponse> importUsers(ImportUsersRequest request) {
        Caller admin = CallerContext.requireRole("admin");
        if (request.getCsv().isEmpty() || request.getCsv().size() > MAX_IMPORT_BYTES) {
            throw Errors.invalidArgument("csv", "must be 1 byte .. 1 MiB of CSV with the header username,groups,roles");
        }
        List<UserDirectory.ImportRow> rows = parse(request.getCsv().toStringUtf8());
        ImportUsersResponse.Builder out = ImportUsersResponse.newBuilder();
        List<UserDirectory.Imported> imported;
        try {
            imported = directory.importUsers(admin.name(), rows, request.getDryRun());
        } catch (UserDirectory.BadAttribute e) {
            throw Errors.invalidArgument(e.field(), e.getMessage());
        }
        for (UserDirectory.Imported done : imported) {
            ImportedUser.Builder user = ImportedUser.newBuilder().setRow(done.row().row()).setUsername(done.row().username());
            switch (done.outcome()) {
                case CREATED -> {
                    user.setOutcome(ImportOutcome.IMPORT_OUTCOME_CREATED);
                    out.setCreated(out.getCreated() + 1);
                    if (done.password() != null) {
                        user.setInitialPassword(done.password()).setTotpUri(Totp.uri("ZTNA", done.row().username(), done.totpSecret()));
                    }
                }
                case UPDATED -> {
                    user.setOutcome(ImportOutcome.IMPORT_OUTCOME_UPDATED);
                    out.setUpdated(out.getUpdated() + 1);
                }
                default -> {
                    user.setOutcome(ImportOutcome.IMPORT_OUTCOME_UNCHANGED);
                    out.setUnchanged(out.getUnchanged() + 1);
                }
            }
            out.addUsers(user);
        }
        return Uni.createFrom().item(out.build());
    }

    /** Every row checked before anything is written; all problems reported at once, each with its row and field. */
    static List<UserDirectory.ImportRow> parse(String csv) {
        List<String> lines = csv.lines().toList();
        java.util.Map<String, String> problems = new java.util.LinkedHashMap<>();
        List<String> header = lines.isEmpty() ? List.of()
                : java.util.Arrays.stream(lines.get(0).split(",", -1)).map(h -> h.strip().toLowerCase(java.util.Locale.ROOT)).toList();
        if (header.size() < 3 || !header.subList(0, 3).equals(List.of("username", "groups", "roles"))) {
            throw Errors.invalidArgument("csv", "the first line must be the header username,groups,roles "
                    + "(optionally followed by department, employment_type, country, manager)");
        }
        List<String> attributeColumns = header.subList(3, header.size());
        for (String column : attributeColumns) {
            if (!dev.ztna.identity.service.DirectoryAttributes.NAMES.contains(column)
                    || attributeColumns.indexOf(column) != attributeColumns.lastIndexOf(column)) {
                throw Errors.invalidArgument("csv", "header column '" + column + "' must be one of department, "
                        + "employment_type, country, manager, each at most once");
            }
        }
        if (lines.size() - 1 > MAX_IMPORT_ROWS) {
            throw Errors.invalidArgument("csv", "at most " + MAX_IMPORT_ROWS + " rows per import");
        }
        List<UserDirectory.ImportRow> rows = new java.util.ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int n = 1; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank()) {
                continue;
            }
            String at = "rows[" + n + "]";
            String[] cells = line.split(",", -1);
            if (cells.length != header.size()) {
                problems.put(at, "must have " + header.size() + " cells (" + String.join(",", header) + "), has "
                        + cells.length);
                continue;
            }
            String username = cells[0].strip();
            if (!NAME.matcher(username).matches()) {
                problems.put(at + ".username", "'" + username + "' must be 1..128 letters, digits and . _ @ -");
            } else if (!seen.add(username.toLowerCase(java.util.Locale.ROOT))) {
                problems.put(at + ".username", "'" + username + "' appears twice in the file");
            }
            java.util.Set<String> groups = names(cells[1], NAME, at + ".groups", problems);
            java.util.Set<String> roles = names(cells[2], ROLE, at + ".roles", problems);
            java.util.Map<String, String> attributes = new java.util.LinkedHashMap<>();
            for (int c = 0; c < attributeColumns.size(); c++) {
                attributes.put(attributeColumns.get(c), cells[3 + c].strip());
            }
            dev.ztna.identity.service.DirectoryAttributes.problems("x", attributes).forEach((field, why) ->
                    problems.put(at + field.substring(1), why));
            rows.add(new UserDirectory.ImportRow(n, username, groups, roles, java.util.Map.copyOf(attributes)));
        }
        if (!problems.isEmpty()) {
            throw Errors.invalidArguments(problems.size() + " bad row(s), nothing imported; first: "
                    + problems.entrySet().iterator().next(), problems);
        }
        if (rows.isEmpty()) {
            throw Errors.invalidArgument("csv", "has no user rows");
        }
        return rows;
    }

    private static java.util.Set<String> names(String cell, java.util.regex.Pattern valid, String field,
                                               java.util.Map<String, String> problems) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (String name : cell.split(";")) {
            String n = name.strip();
            if (n.isEmpty()) {
                continue;
            }
            if (!valid.matcher(n).matches()) {
                problems.put(field, "'" + n + "' is not a valid name");
            }
            names.add(n);
        }
        return names;
    }

    private static void change(Runnable change) {
        try {
            change.run();
        } catch (UserDirectory.NoSuchUser e) {
            throw Errors.notFound("USER_NOT_FOUND", "no such user");
        } catch (UserDirectory.AlreadyInState e) {
            throw Errors.failedPrecondition("USER_STATE", e.getMessage());
        } catch (UserDirectory.BadAttribute e) {
            throw Errors.invalidArgument(e.field(), e.getMessage());
        }
    }
}

"""Terraform-style use of ten B/C services through the AWS CLI: create a
resource, read it back with the attributes it was created with, tag it,
untag it, delete it, and find it gone. These services are served by the
resource engine (runtime/resources), so this is the engine as a real
client sees it, in each service's own protocol and CLI syntax."""

import pytest

from conftest import aws_cli


def dig(doc, path):
    for part in path.split("."):
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc


def tag_map(doc, path):
    """Tags in either AWS form (a map, or a list of Key/Value pairs) as a dict."""
    tags = dig(doc, path)
    if isinstance(tags, dict):
        return tags
    return {t.get("Key", t.get("key")): t.get("Value", t.get("value")) for t in tags}


# Per service: the CLI commands of one resource's life. `{id}` is what the
# create answered at `id`; `{arn}` likewise at `arn` (or built from `{id}`).
CASES = {
    "eks": dict(
        create=["eks", "create-cluster", "--name", "tf-c1", "--role-arn", "arn:aws:iam::000000000000:role/eks",
                "--resources-vpc-config", "subnetIds=subnet-1,subnet-2", "--kubernetes-version", "1.31"],
        id="cluster.name", arn="cluster.arn",
        read=["eks", "describe-cluster", "--name", "{id}"],
        expect={"cluster.name": "tf-c1", "cluster.roleArn": "arn:aws:iam::000000000000:role/eks",
                "cluster.version": "1.31", "cluster.resourcesVpcConfig.subnetIds": ["subnet-1", "subnet-2"],
                "cluster.status": "ACTIVE"},
        tag=["eks", "tag-resource", "--resource-arn", "{arn}", "--tags", "team=blue"],
        untag=["eks", "untag-resource", "--resource-arn", "{arn}", "--tag-keys", "team"],
        tags=(["eks", "list-tags-for-resource", "--resource-arn", "{arn}"], "tags"),
        delete=["eks", "delete-cluster", "--name", "{id}"],
        gone="ResourceNotFoundException",
    ),
    "efs": dict(
        create=["efs", "create-file-system", "--creation-token", "tf-fs1", "--performance-mode", "generalPurpose", "--encrypted"],
        id="FileSystemId", arn="FileSystemArn",
        read=["efs", "describe-file-systems", "--file-system-id", "{id}"],
        expect={"FileSystems.0.CreationToken": "tf-fs1", "FileSystems.0.PerformanceMode": "generalPurpose",
                "FileSystems.0.Encrypted": True, "FileSystems.0.LifeCycleState": "available"},
        tag=["efs", "tag-resource", "--resource-id", "{id}", "--tags", "Key=team,Value=blue"],
        untag=["efs", "untag-resource", "--resource-id", "{id}", "--tag-keys", "team"],
        tags=(["efs", "list-tags-for-resource", "--resource-id", "{id}"], "Tags"),
        delete=["efs", "delete-file-system", "--file-system-id", "{id}"],
        gone="FileSystemNotFound",
    ),
    "codecommit": dict(
        create=["codecommit", "create-repository", "--repository-name", "tf-repo", "--repository-description", "infra"],
        id="repositoryMetadata.repositoryName", arn="repositoryMetadata.Arn",
        read=["codecommit", "get-repository", "--repository-name", "{id}"],
        expect={"repositoryMetadata.repositoryName": "tf-repo", "repositoryMetadata.repositoryDescription": "infra",
                "repositoryMetadata.accountId": "000000000000"},
        tag=["codecommit", "tag-resource", "--resource-arn", "{arn}", "--tags", "team=blue"],
        untag=["codecommit", "untag-resource", "--resource-arn", "{arn}", "--tag-keys", "team"],
        tags=(["codecommit", "list-tags-for-resource", "--resource-arn", "{arn}"], "tags"),
        delete=["codecommit", "delete-repository", "--repository-name", "{id}"],
        gone="RepositoryDoesNotExistException",
    ),
    "scheduler": dict(
        create=["scheduler", "create-schedule-group", "--name", "tf-group"],
        id=None, arn="ScheduleGroupArn", name="tf-group",
        read=["scheduler", "get-schedule-group", "--name", "tf-group"],
        expect={"Name": "tf-group", "State": "ACTIVE"},
        tag=["scheduler", "tag-resource", "--resource-arn", "{arn}", "--tags", "Key=team,Value=blue"],
        untag=["scheduler", "untag-resource", "--resource-arn", "{arn}", "--tag-keys", "team"],
        tags=(["scheduler", "list-tags-for-resource", "--resource-arn", "{arn}"], "Tags"),
        delete=["scheduler", "delete-schedule-group", "--name", "tf-group"],
        gone="ResourceNotFoundException",
    ),
    "glue": dict(
        create=["glue", "create-database", "--database-input", "Name=tf_db,Description=lake"],
        id=None, name="tf_db", arn_template="arn:aws:glue:us-east-1:000000000000:database/tf_db",
        read=["glue", "get-database", "--name", "tf_db"],
        expect={"Database.Name": "tf_db", "Database.Description": "lake"},
        tag=["glue", "tag-resource", "--resource-arn", "{arn}", "--tags-to-add", "team=blue"],
        untag=["glue", "untag-resource", "--resource-arn", "{arn}", "--tags-to-remove", "team"],
        tags=(["glue", "get-tags", "--resource-arn", "{arn}"], "Tags"),
        delete=["glue", "delete-database", "--name", "tf_db"],
        gone="EntityNotFoundException",
    ),
    "backup": dict(
        create=["backup", "create-backup-vault", "--backup-vault-name", "tf-vault"],
        id="BackupVaultName", arn="BackupVaultArn",
        read=["backup", "describe-backup-vault", "--backup-vault-name", "{id}"],
        expect={"BackupVaultName": "tf-vault", "BackupVaultArn": "{arn}"},
        tag=["backup", "tag-resource", "--resource-arn", "{arn}", "--tags", "team=blue"],
        untag=["backup", "untag-resource", "--resource-arn", "{arn}", "--tag-key-list", "team"],
        tags=(["backup", "list-tags", "--resource-arn", "{arn}"], "Tags"),
        delete=["backup", "delete-backup-vault", "--backup-vault-name", "{id}"],
        gone="ResourceNotFoundException",
    ),
    "xray": dict(
        create=["xray", "create-group", "--group-name", "tf-group", "--filter-expression", 'service("api")'],
        id="Group.GroupName", arn="Group.GroupARN",
        read=["xray", "get-group", "--group-name", "{id}"],
        expect={"Group.GroupName": "tf-group", "Group.FilterExpression": 'service("api")'},
        tag=["xray", "tag-resource", "--resource-arn", "{arn}", "--tags", "Key=team,Value=blue"],
        untag=["xray", "untag-resource", "--resource-arn", "{arn}", "--tag-keys", "team"],
        tags=(["xray", "list-tags-for-resource", "--resource-arn", "{arn}"], "Tags"),
        delete=["xray", "delete-group", "--group-name", "{id}"],
        gone="InvalidRequestException",
    ),
    "appsync": dict(
        create=["appsync", "create-graphql-api", "--name", "tf-api", "--authentication-type", "API_KEY"],
        id="graphqlApi.apiId", arn="graphqlApi.arn",
        read=["appsync", "get-graphql-api", "--api-id", "{id}"],
        expect={"graphqlApi.name": "tf-api", "graphqlApi.authenticationType": "API_KEY", "graphqlApi.apiId": "{id}"},
        tag=["appsync", "tag-resource", "--resource-arn", "{arn}", "--tags", "team=blue"],
        untag=["appsync", "untag-resource", "--resource-arn", "{arn}", "--tag-keys", "team"],
        tags=(["appsync", "list-tags-for-resource", "--resource-arn", "{arn}"], "tags"),
        delete=["appsync", "delete-graphql-api", "--api-id", "{id}"],
        gone="NotFoundException",
    ),
    "transfer": dict(
        create=["transfer", "create-server", "--protocols", "SFTP", "--identity-provider-type", "SERVICE_MANAGED"],
        id="ServerId", arn_from_read="Server.Arn",
        read=["transfer", "describe-server", "--server-id", "{id}"],
        expect={"Server.ServerId": "{id}", "Server.Protocols": ["SFTP"], "Server.IdentityProviderType": "SERVICE_MANAGED"},
        tag=["transfer", "tag-resource", "--arn", "{arn}", "--tags", "Key=team,Value=blue"],
        untag=["transfer", "untag-resource", "--arn", "{arn}", "--tag-keys", "team"],
        tags=(["transfer", "list-tags-for-resource", "--arn", "{arn}"], "Tags"),
        delete=["transfer", "delete-server", "--server-id", "{id}"],
        gone="ResourceNotFoundException",
    ),
    "memorydb": dict(
        create=["memorydb", "create-acl", "--acl-name", "tf-acl"],
        id="ACL.Name", arn="ACL.ARN",
        read=["memorydb", "describe-acls", "--acl-name", "{id}"],
        expect={"ACLs.0.Name": "tf-acl", "ACLs.0.ARN": "{arn}"},
        tag=["memorydb", "tag-resource", "--resource-arn", "{arn}", "--tags", "Key=team,Value=blue"],
        untag=["memorydb", "untag-resource", "--resource-arn", "{arn}", "--tag-keys", "team"],
        tags=(["memorydb", "list-tags", "--resource-arn", "{arn}"], "TagList"),
        delete=["memorydb", "delete-acl", "--acl-name", "{id}"],
        gone="ACLNotFoundFault",
    ),
}


def fill(args, values):
    return [a.format(**values) if "{" in a and "}" in a and not a.startswith("service(") else a for a in args]


@pytest.mark.parametrize("service", sorted(CASES))
def test_terraform_style_lifecycle(simfra_endpoint, service):
    case = CASES[service]
    created = aws_cli(simfra_endpoint, *case["create"])
    values = {"id": dig(created, case["id"]) if case.get("id") else case.get("name", "")}
    if case.get("arn"):
        values["arn"] = dig(created, case["arn"])
    elif case.get("arn_template"):
        values["arn"] = case["arn_template"]
    read = aws_cli(simfra_endpoint, *fill(case["read"], values))
    if case.get("arn_from_read"):
        values["arn"] = dig(read, case["arn_from_read"])
    for path, want in case["expect"].items():
        want = want.format(**values) if isinstance(want, str) and "{" in want and not want.startswith("service(") else want
        assert dig(read, path) == want, f"{service}: {path} read back as {dig(read, path)!r}, created with {want!r}"
    # A second read answers the same attributes (state, not echo).
    assert aws_cli(simfra_endpoint, *fill(case["read"], values)) == read

    list_cmd, tags_path = case["tags"]
    aws_cli(simfra_endpoint, *fill(case["tag"], values))
    assert tag_map(aws_cli(simfra_endpoint, *fill(list_cmd, values)), tags_path).get("team") == "blue"
    aws_cli(simfra_endpoint, *fill(case["untag"], values))
    assert "team" not in tag_map(aws_cli(simfra_endpoint, *fill(list_cmd, values)), tags_path)

    aws_cli(simfra_endpoint, *fill(case["delete"], values))
    err = aws_cli(simfra_endpoint, *fill(case["read"], values), ok=False)
    assert case["gone"] in err, f"{service}: read after delete said {err!r}"

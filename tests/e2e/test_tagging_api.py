"""The Resource Groups Tagging API sees the tags of resources across
services (those the resource engine keeps): tags set through a service's
own TagResource appear in GetResources/GetTagKeys/GetTagValues, and tags set
through TagResources appear in the service's ListTagsForResource."""

import botocore.exceptions
import pytest


@pytest.fixture(scope="module")
def resources(make_client):
    eks, codecommit = make_client("eks"), make_client("codecommit")
    cluster = eks.create_cluster(name="rgt-c1", roleArn="arn:aws:iam::000000000000:role/r",
                                 resourcesVpcConfig={"subnetIds": ["subnet-1"]}, tags={"env": "prod", "team": "a"})["cluster"]["arn"]
    repo = codecommit.create_repository(repositoryName="rgt-repo", tags={"env": "dev"})["repositoryMetadata"]["Arn"]
    untagged = codecommit.create_repository(repositoryName="rgt-untagged")["repositoryMetadata"]["Arn"]
    return {"cluster": cluster, "repo": repo, "untagged": untagged}


def arns(page):
    return {m["ResourceARN"] for m in page["ResourceTagMappingList"]}


def test_get_resources_filters_by_tags_and_types(make_client, resources):
    rgt = make_client("resourcegroupstaggingapi")
    everything = arns(rgt.get_resources())
    assert {resources["cluster"], resources["repo"]} <= everything
    assert resources["untagged"] not in everything  # only tagged resources are listed
    assert arns(rgt.get_resources(TagFilters=[{"Key": "env", "Values": ["prod"]}])) >= {resources["cluster"]}
    assert resources["repo"] not in arns(rgt.get_resources(TagFilters=[{"Key": "env", "Values": ["prod"]}]))
    both = arns(rgt.get_resources(TagFilters=[{"Key": "env", "Values": ["prod", "dev"]}, {"Key": "team"}]))
    assert resources["cluster"] in both and resources["repo"] not in both
    assert resources["repo"] in arns(rgt.get_resources(ResourceTypeFilters=["codecommit"]))
    assert resources["cluster"] not in arns(rgt.get_resources(ResourceTypeFilters=["codecommit"]))
    assert resources["cluster"] in arns(rgt.get_resources(ResourceTypeFilters=["eks:cluster"]))
    mapping = next(m for m in rgt.get_resources(ResourceARNList=[resources["cluster"]])["ResourceTagMappingList"])
    assert {t["Key"]: t["Value"] for t in mapping["Tags"]} == {"env": "prod", "team": "a"}


def test_keys_values_and_pagination(make_client, resources):
    rgt = make_client("resourcegroupstaggingapi")
    assert {"env", "team"} <= set(rgt.get_tag_keys()["TagKeys"])
    assert {"prod", "dev"} <= set(rgt.get_tag_values(Key="env")["TagValues"])
    first = rgt.get_resources(ResourcesPerPage=1)
    assert len(first["ResourceTagMappingList"]) == 1 and first["PaginationToken"]
    second = rgt.get_resources(ResourcesPerPage=1, PaginationToken=first["PaginationToken"])
    assert arns(second) != arns(first)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        rgt.get_resources(ResourcesPerPage=101)
    assert e.value.response["Error"]["Code"] == "InvalidParameterException"


def test_tag_and_untag_resources_reach_the_services(make_client, resources):
    rgt, codecommit = make_client("resourcegroupstaggingapi"), make_client("codecommit")
    missing = "arn:aws:codecommit:us-east-1:000000000000:repository/none"
    out = rgt.tag_resources(ResourceARNList=[resources["untagged"], missing], Tags={"owner": "me"})
    assert list(out["FailedResourcesMap"]) == [missing]
    assert codecommit.list_tags_for_resource(resourceArn=resources["untagged"])["tags"] == {"owner": "me"}
    rgt.untag_resources(ResourceARNList=[resources["untagged"]], TagKeys=["owner"])
    assert codecommit.list_tags_for_resource(resourceArn=resources["untagged"])["tags"] == {}

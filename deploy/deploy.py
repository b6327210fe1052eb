"""`python -m deploy.deploy` (make deploy): put `make package`'s output into an AWS account.

1. upload build/sam/deployment.zip to an artifacts bucket (created if missing), under a key
   named by its content hash, so a new build replaces the functions' code;
2. create or update the stack from build/cloudformation.json and wait until it is done;
3. upload dashboard/dist to the stack's dashboard bucket and invalidate the CloudFront cache;
4. print the stack's outputs (API, WebSocket and dashboard URLs, queue URLs, agent role).

Credentials and region come from the usual AWS settings (AWS_PROFILE, AWS_REGION...). The
Secrets Manager secret named by --secret-name must exist first (see README, "Deploy to AWS").
"""

from __future__ import annotations

import argparse
import hashlib
import json
import mimetypes
import sys
import time
from pathlib import Path
from typing import Any

from deploy.package import BUILD, ROOT

CAPABILITIES = ["CAPABILITY_IAM"]
# Hashed build files may be cached for a year; index.html must be re-read on every visit.
LONG_CACHE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"


def code_key(zip_path: Path) -> str:
    digest = hashlib.sha256(zip_path.read_bytes()).hexdigest()[:20]
    return f"quentin-torrentino/deployment-{digest}.zip"


def ensure_bucket(s3: Any, bucket: str, region: str) -> None:
    """Create the artifacts bucket once (private, encrypted by default)."""
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if bucket in existing:
        return
    kwargs: dict[str, Any] = {"Bucket": bucket}
    if region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3.create_bucket(**kwargs)
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True})


def upload_code(s3: Any, bucket: str, zip_path: Path) -> str:
    """Upload the Lambda zip unless that exact build is there already; returns its key."""
    key = code_key(zip_path)
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except s3.exceptions.ClientError:
        s3.upload_file(str(zip_path), bucket, key)
    return key


def deploy_stack(cfn: Any, name: str, template: dict[str, Any],
                 parameters: dict[str, str], timeout_secs: float = 1800) -> dict[str, str]:
    """Create the stack, or update it when it exists; returns its outputs."""
    request: dict[str, Any] = {
        "StackName": name, "TemplateBody": json.dumps(template), "Capabilities": CAPABILITIES,
        "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()]}
    try:
        cfn.describe_stacks(StackName=name)
        exists = True
    except cfn.exceptions.ClientError:
        exists = False
    if exists:
        try:
            cfn.update_stack(**request)
        except cfn.exceptions.ClientError as e:
            if "No updates are to be performed" not in str(e):
                raise
            return _outputs(cfn, name)
    else:
        # A failed first creation is rolled back and deleted, not left half made.
        cfn.create_stack(**request, OnFailure="DELETE")
    stack = _wait(lambda: cfn.describe_stacks(StackName=name)["Stacks"][0], "StackStatus",
                  timeout_secs)
    if stack["StackStatus"] not in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
        raise RuntimeError(f"stack {name} ended {stack['StackStatus']}: "
                           f"{stack.get('StackStatusReason', 'see its events')}")
    return _outputs(cfn, name)


def _wait(describe: Any, field: str, timeout_secs: float, poll_secs: float = 2.0,
          ) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_secs
    while True:
        got: dict[str, Any] = describe()
        if not str(got[field]).endswith(("_IN_PROGRESS", "_PENDING")):
            return got
        if time.monotonic() > deadline:
            raise TimeoutError(f"still {got[field]} after {timeout_secs:.0f} s")
        time.sleep(poll_secs)


def _outputs(cfn: Any, name: str) -> dict[str, str]:
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def upload_dashboard(s3: Any, bucket: str, dist: Path) -> list[str]:
    """Upload the dashboard build (index.html last, so it never names a missing file)."""
    files = sorted((p for p in dist.rglob("*") if p.is_file()),
                   key=lambda p: (p.name == "index.html", str(p)))
    if not files:
        raise FileNotFoundError(f"{dist} is empty: run `make dashboard` first")
    keys = []
    for path in files:
        key = path.relative_to(dist).as_posix()
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        s3.upload_file(str(path), bucket, key, ExtraArgs={
            "ContentType": content_type,
            "CacheControl": NO_CACHE if path.name == "index.html" else LONG_CACHE})
        keys.append(key)
    return keys


def invalidate(cloudfront: Any, distribution_id: str) -> None:
    cloudfront.create_invalidation(DistributionId=distribution_id, InvalidationBatch={
        "Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": str(time.time())})


def main(argv: list[str] | None = None) -> int:
    import boto3

    parser = argparse.ArgumentParser(prog="python -m deploy.deploy", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack-name", default="quentin-torrentino")
    parser.add_argument("--prefix", default="qt", help="resource name prefix (template Prefix)")
    parser.add_argument("--secret-name", default="qt/prod")
    parser.add_argument("--alarm-email", default="")
    parser.add_argument("--artifact-bucket", default="",
                        help="default: <prefix>-artifacts-<account>-<region>")
    parser.add_argument("--dashboard-dist", default=str(ROOT / "dashboard" / "dist"))
    args = parser.parse_args(argv)
    session = boto3.session.Session()
    region = session.region_name
    if not region:
        print("no AWS region: set AWS_REGION or a profile's region", file=sys.stderr)
        return 2
    account = session.client("sts").get_caller_identity()["Account"]
    s3, cfn = session.client("s3"), session.client("cloudformation")
    bucket = args.artifact_bucket or f"{args.prefix}-artifacts-{account}-{region}"
    zip_path, template_path = BUILD / "sam" / "deployment.zip", BUILD / "cloudformation.json"
    if not zip_path.exists() or not template_path.exists():
        print("build/ is incomplete: run `make package` first", file=sys.stderr)
        return 2
    ensure_bucket(s3, bucket, region)
    key = upload_code(s3, bucket, zip_path)
    print(f"code: s3://{bucket}/{key}")
    outputs = deploy_stack(cfn, args.stack_name, json.loads(template_path.read_text()), {
        "Prefix": args.prefix, "SecretName": args.secret_name, "AlarmEmail": args.alarm_email,
        "CodeBucket": bucket, "CodeKey": key})
    uploaded = upload_dashboard(s3, outputs["DashboardBucketName"], Path(args.dashboard_dist))
    invalidate(session.client("cloudfront"), outputs["DashboardDistributionId"])
    print(f"dashboard: {len(uploaded)} files")
    for name, value in sorted(outputs.items()):
        print(f"{name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

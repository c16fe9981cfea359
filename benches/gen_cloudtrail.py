#!/usr/bin/env python3
"""Synthetic AWS CloudTrail trail files for ingest benchmarks.

Writes gzip `{"Records":[...]}` files, as CloudTrail delivers them to S3, until the
uncompressed JSON reaches --mb megabytes. Records have the real field shapes (IAM users
with AKIA keys, assumed roles, AWS services, console logins, IAM changes) and ~1.3 KB
each. Deterministic for a given --seed. Stdlib only; streams, so any size fits in memory.

    python3 benches/gen_cloudtrail.py --mb 1024 --out /tmp/ct-1g
"""
import argparse
import gzip
import os
import random
import uuid

ACCOUNT = "111122223333"
NAMES = ["DescribeInstances", "GetObject", "PutObject", "ListBuckets", "AssumeRole",
         "GetCallerIdentity", "DescribeLogGroups", "Decrypt", "GenerateDataKey",
         "CreateAccessKey", "AttachUserPolicy", "ConsoleLogin", "UpdateAccessKey",
         "CreateUser", "PutBucketPolicy", "ListRoles", "GetSecretValue"]
SOURCES = {"DescribeInstances": "ec2", "GetObject": "s3", "PutObject": "s3", "ListBuckets": "s3",
           "AssumeRole": "sts", "GetCallerIdentity": "sts", "DescribeLogGroups": "logs",
           "Decrypt": "kms", "GenerateDataKey": "kms", "CreateAccessKey": "iam",
           "AttachUserPolicy": "iam", "ConsoleLogin": "signin", "UpdateAccessKey": "iam",
           "CreateUser": "iam", "PutBucketPolicy": "s3", "ListRoles": "iam", "GetSecretValue": "secretsmanager"}


def key(rng):
    return "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))


def record(rng, t, users, roles):
    name = rng.choice(NAMES)
    src = SOURCES[name] + ".amazonaws.com"
    r = rng.random()
    if r < 0.45:
        u, k = rng.choice(users)
        ident = ('{"type":"IAMUser","principalId":"AIDA%s","arn":"arn:aws:iam::%s:user/%s","accountId":"%s",'
                 '"accessKeyId":"%s","userName":"%s"}' % (k[4:], ACCOUNT, u, ACCOUNT, k, u))
    elif r < 0.9:
        role = rng.choice(roles)
        ident = ('{"type":"AssumedRole","principalId":"AROA%s:i-%012x","arn":"arn:aws:sts::%s:assumed-role/%s/i-%012x",'
                 '"accountId":"%s","accessKeyId":"ASIA%016X","sessionContext":{"sessionIssuer":{"type":"Role",'
                 '"principalId":"AROA%s","arn":"arn:aws:iam::%s:role/%s","accountId":"%s","userName":"%s"},'
                 '"attributes":{"creationDate":"%s","mfaAuthenticated":"false"},"ec2RoleDelivery":"2.0"}}'
                 % (role[:8].upper(), rng.getrandbits(48), ACCOUNT, role, rng.getrandbits(48), ACCOUNT,
                    rng.getrandbits(64), role[:8].upper(), ACCOUNT, role, ACCOUNT, role, t))
    else:
        ident = '{"type":"AWSService","invokedBy":"%s"}' % rng.choice(["ec2.amazonaws.com", "lambda.amazonaws.com"])
    req = '{"bucketName":"acme-data-%d","key":"reports/%d.csv"}' % (rng.randrange(20), rng.randrange(10**6))
    if name == "AttachUserPolicy":
        req = '{"userName":"%s","policyArn":"arn:aws:iam::aws:policy/ReadOnlyAccess"}' % rng.choice(users)[0]
    resp = "null"
    if name == "CreateAccessKey":
        u = rng.choice(users)[0]
        req = '{"userName":"%s"}' % u
        resp = ('{"accessKey":{"accessKeyId":"%s","status":"Active","userName":"%s","createDate":"%s"}}'
                % (key(rng), u, t))
    return ('{"eventVersion":"1.09","userIdentity":%s,"eventTime":"%s","eventSource":"%s","eventName":"%s",'
            '"awsRegion":"us-east-1","sourceIPAddress":"198.51.100.%d","userAgent":"aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux api/%s#1.%d.0",'
            '"requestParameters":%s,"responseElements":%s,"requestID":"%s","eventID":"%s","readOnly":%s,'
            '"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"%s","eventCategory":"Management",'
            '"tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"%s"}}'
            % (ident, t, src, name, rng.randrange(256), SOURCES[name], rng.randrange(60), req, resp,
               uuid.UUID(int=rng.getrandbits(128)), uuid.UUID(int=rng.getrandbits(128)),
               "true" if name.startswith(("Describe", "Get", "List")) else "false", ACCOUNT, src))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=100, help="uncompressed megabytes to write")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--file-mb", type=float, default=16, help="uncompressed megabytes per trail file")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    users = [("svc-%03d" % i, key(rng)) for i in range(200)]
    roles = ["workload-role-%02d" % i for i in range(40)]
    target = int(a.mb * 1e6)
    per_file = int(a.file_mb * 1e6)
    written = files = records = 0
    day = 0
    while written < target:
        day_s = "2026-%02d-%02d" % (1 + (day // 28) % 12, 1 + day % 28)
        d = os.path.join(a.out, "AWSLogs", ACCOUNT, "CloudTrail", "us-east-1", day_s.replace("-", "/"))
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "%s_CloudTrail_us-east-1_%sT0000Z_%08x.json.gz" % (ACCOUNT, day_s.replace("-", ""), files))
        size = 0
        with gzip.open(path, "wt", compresslevel=1) as f:
            f.write('{"Records":[')
            first = True
            while size < per_file and written + size < target:
                t = "%sT%02d:%02d:%02dZ" % (day_s, rng.randrange(24), rng.randrange(60), rng.randrange(60))
                rec = record(rng, t, users, roles)
                f.write(rec if first else "," + rec)
                first = False
                size += len(rec) + 1
                records += 1
            f.write("]}")
        written += size
        files += 1
        day += 1
    print("%d records, %d files, %.1f MB uncompressed in %s" % (records, files, written / 1e6, a.out))


if __name__ == "__main__":
    main()

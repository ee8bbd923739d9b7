using Panoptic.Scanner.Readiness;
using Panoptic.TestUtilities;

namespace Panoptic.Scanner.Tests.Readiness;

/// <summary>Backups read from code and infrastructure: each found with its path:line, restores manual unless a job rehearses them.</summary>
public sealed class BackupChecksTests
{
    private static TempRepository Repo() => new TempRepository("backups")
        .With("requirements.txt", "fastapi==0.110\npsycopg2==2.9.9\nboto3==1.34.0\n")
        .With("main.py", "import psycopg2\nimport boto3\nconn = psycopg2.connect(os.environ['DATABASE_URL'])\ns3 = boto3.client('s3')\n");

    private static CheckResult Check(TempRepository repo, string id) => Scans.Readiness(repo).Checks.Single(c => c.Id == id);

    [Fact]
    public void Backups_NothingInTheRepository_NeedConfirmationAndRestoreStaysManual()
    {
        using var repo = Repo();
        Check(repo, "infra.backups").Status.ShouldBe("needs_manual_confirmation");
        Check(repo, "infra.restore_tested").Status.ShouldBe("needs_manual_confirmation");
        Check(repo, "infra.object_storage_versioning").Status.ShouldBe("needs_manual_confirmation");
    }

    [Theory]
    [InlineData("infra/rds.tf", "resource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n  backup_retention_period = 14\n}\n", 3)]
    [InlineData("infra/sql.tf", "resource \"google_sql_database_instance\" \"main\" {\n  settings {\n    backup_configuration {\n      enabled = true\n      point_in_time_recovery_enabled = true\n    }\n  }\n}\n", 3)]
    [InlineData("infra/rds-module.tf", "module \"db\" {\n  source = \"terraform-aws-modules/rds/aws\"\n  backup_retention_period = var.backup_days\n}\n", 3)]
    [InlineData("template.yaml", "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      BackupRetentionPeriod: 7\n", 5)]
    [InlineData("infra/azure.tf", "resource \"azurerm_postgresql_flexible_server\" \"main\" {\n  backup_retention_days = 35\n}\n", 2)]
    [InlineData("ops/crontab", "# nightly\n15 3 * * * pg_dump \"$DATABASE_URL\" | gzip > /backups/db.sql.gz\n", 2)]
    [InlineData("docker-compose.yml", "services:\n  db:\n    image: postgres:16\n  backup:\n    image: prodrigestivill/postgres-backup-local:16\n", 5)]
    [InlineData("k8s/backup.yaml", "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: db-backup\nspec:\n  schedule: \"0 2 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: dump\n              command: [\"sh\", \"-c\", \"pg_dump $DATABASE_URL > /b/db.sql\"]\n", 2)]
    public void Backups_FromInfrastructure_PassWithPathAndLine(string path, string content, int line)
    {
        using var repo = Repo().With(path, content);
        var backups = Check(repo, "infra.backups");
        backups.Status.ShouldBe("pass");
        backups.Evidence.ShouldContain(e => e.File == path && e.Line == line, string.Join(", ", backups.Evidence.Select(e => $"{e.File}:{e.Line}")));
    }

    [Fact]
    public void Backups_RetentionZero_FailsOnItsLine()
    {
        using var repo = Repo().With("infra/rds.tf", "resource \"aws_db_instance\" \"main\" {\n  backup_retention_period = 0\n}\n");
        var backups = Check(repo, "infra.backups");
        backups.Status.ShouldBe("fail");
        backups.Evidence.ShouldHaveSingleItem().Line.ShouldBe(2);
    }

    [Fact]
    public void RestoreTested_ARestoreCronJob_Passes()
    {
        using var repo = Repo().With("k8s/restore-drill.yaml", "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: restore-drill\nspec:\n  schedule: \"0 5 * * 0\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: restore\n              command: [\"pg_restore\", \"-d\", \"scratch\", \"/b/latest.dump\"]\n");
        Check(repo, "infra.restore_tested").Status.ShouldBe("pass");
    }

    [Fact]
    public void ObjectStorage_VersioningAndLifecycle_PassWithTheirLines()
    {
        using var repo = Repo().With("infra/s3.tf", """
            resource "aws_s3_bucket" "uploads" { bucket = "uploads" }
            resource "aws_s3_bucket_versioning" "uploads" {
              bucket = aws_s3_bucket.uploads.id
              versioning_configuration { status = "Enabled" }
            }
            resource "aws_s3_bucket_lifecycle_configuration" "uploads" {
              bucket = aws_s3_bucket.uploads.id
            }
            """);
        var versioning = Check(repo, "infra.object_storage_versioning");
        versioning.Status.ShouldBe("pass");
        versioning.Evidence[0].Line.ShouldBe(2);
        Check(repo, "infra.object_storage_lifecycle").Evidence.ShouldHaveSingleItem().Line.ShouldBe(6);
    }
}

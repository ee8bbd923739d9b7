using Panoptic.Scanner.Registry;
using Panoptic.TestUtilities;
using Shouldly;
using Xunit;

namespace Panoptic.Scanner.Tests.Deployment;

/// <summary>Images a compose file takes from committed env files.</summary>
public class EnvImageTests
{
    [Fact]
    public void Scan_ComposeImageFromACommittedEnvValue_IsTheDefaultDeployment()
    {
        using var repo = new TempRepository("env-image")
            .With("docker-compose.yml", "services:\n  db:\n    image: ${DOCKER_DB_IMAGE:?error}\n")
            .With(".env.docker", "DB_CONNECTION=\"mysql\"\nDOCKER_DB_IMAGE=\"mariadb:${DB_VERSION}\"\n");

        var entry = Scans.Run(repo).Entry("mariadb");

        entry.Status.ShouldBe(Statuses.Core);
        entry.StatusReason.ShouldBe("core: deployed (`DOCKER_DB_IMAGE=mariadb`), .env.docker:2");
    }
}

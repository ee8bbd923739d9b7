using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Config;
using Panoptic.Scanner.Registry;
using Panoptic.TestUtilities;

namespace Panoptic.Scanner.Tests.Config;

public class ProjectConfigTests
{
    private static CatalogException Invalid(string yaml) => Should.Throw<CatalogException>(() => ProjectConfig.Parse(yaml, Scans.Catalog));

    [Fact]
    public void Parse_UnknownTopLevelKey_NamesKeyAndLine() =>
        Invalid("ignore: [a]\nbudget:\n  openai: 5\n").Message.ShouldBe("panoptic.yaml:2: unknown key 'budget' (expected one of: budgets, ignore, overrides, readiness, technologies)");

    [Fact]
    public void Parse_BadValues_NameTheirKey()
    {
        Invalid("budgets:\n  openai:\n    monthly: lots\n").Message.ShouldBe("panoptic.yaml:3: budgets.openai.monthly: 'lots' is not a non-negative number");
        Invalid("overrides:\n  redis: { status: maybe }\n").Message.ShouldContain("overrides.redis.status: 'maybe' is not one of");
        Invalid("overrides:\n  warp-drive: { status: core }\n").Message.ShouldBe("panoptic.yaml:2: overrides: unknown technology 'warp-drive'");
        Invalid("ignore: legacy/\n").Message.ShouldBe("panoptic.yaml:1: ignore: expected a list");
        Invalid("technologies:\n  - id: acme-ledger\n    name: Acme\n    category: nonsense\n").Message.ShouldContain("technologies.acme-ledger.category: unknown category 'nonsense'");
        Invalid("ignore: [a\n").Message.ShouldStartWith("panoptic.yaml");
    }

    [Fact]
    public void Scan_ConfigIgnoresExtendsOverridesAndBudgets()
    {
        using var repo = new TempRepository()
            .With("panoptic.yaml", """
                ignore:
                  - legacy/
                technologies:
                  - id: acme-ledger
                    name: Acme Ledger API
                    category: payments
                    hosts: [api.acme-ledger.io]
                    env: [ACME_LEDGER_*]
                overrides:
                  redis: { status: optional }
                  sendgrid: { status: ignored }
                budgets:
                  acme-ledger: { monthly: 250, currency: eur }
                """)
            .With("app/main.py", "import redis\nimport sendgrid\nURL = 'https://api.acme-ledger.io/v2'\n")
            .With("legacy/old.py", "import pymongo\n");

        var registry = Scans.Run(repo);

        registry.Entry("redis").Status.ShouldBe(Statuses.Optional);
        registry.Has("sendgrid").ShouldBeFalse();
        registry.Has("mongodb").ShouldBeFalse();
        registry.Skipped.Entries.ShouldContain(new SkippedItem("legacy", "ignored_by_config"));
        var ledger = registry.Entry("acme-ledger");
        ledger.Status.ShouldBe(Statuses.Core);
        ledger.Budget.ShouldBe(new BudgetConfig(250m, "EUR"));
    }

    [Fact]
    public void Scan_InvalidConfig_Throws()
    {
        using var repo = new TempRepository().With("panoptic.yaml", "ignroe: []\n");
        Should.Throw<CatalogException>(() => Scans.Run(repo)).Message.ShouldContain("unknown key 'ignroe'");
    }
}

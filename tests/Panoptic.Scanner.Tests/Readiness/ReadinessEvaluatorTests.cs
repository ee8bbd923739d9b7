using Panoptic.Scanner.Registry;
using Panoptic.Scanner.Readiness;
using Panoptic.TestUtilities;

namespace Panoptic.Scanner.Tests.Readiness;

public class ReadinessEvaluatorTests
{
    private static TempRepository SaaS() => new TempRepository("saas")
        .With("package.json", "{\"name\":\"app\",\"scripts\":{\"start\":\"node server.js\"},\"dependencies\":{\"express\":\"4\",\"react\":\"18\",\"stripe\":\"14\",\"@clerk/clerk-react\":\"5\",\"@sentry/node\":\"8\"}}")
        .With("server.js", """
            const express = require('express');
            const Sentry = require('@sentry/node');
            Sentry.init({ dsn: process.env.SENTRY_DSN });
            const app = express();
            app.post('/webhooks/stripe', express.json(), (req, res) => {
              const sig = req.headers['Stripe-Signature'];
              res.send('ok');
            });
            const key = 'AKIAIOSFODNN7EXAMPLE';
            app.listen(3000);
            """);

    private static CheckResult Check(ReadinessSection readiness, string id) => readiness.Checks.Single(c => c.Id == id);

    [Fact]
    public void Evaluate_PathSignals_FindCiWorkflowsAndDependabot()
    {
        using var repo = SaaS()
            .With(".github/workflows/ci.yml", "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm run build\n")
            .With(".github/dependabot.yml", "version: 2\n");
        var readiness = Scans.Readiness(repo);
        Check(readiness, "infra.ci_pipeline").Status.ShouldBe("pass");
        Check(readiness, "infra.ci_pipeline").Evidence.ShouldContain(e => e.File == ".github/workflows/ci.yml" && e.Kind == "path");
        Check(readiness, "security.dependency_scanning").Evidence.ShouldContain(e => e.File == ".github/dependabot.yml");
    }

    [Fact]
    public void Evaluate_TypeScriptGenericsAreNotImagesWithoutAlt_AndHandRolledLoginLimitsCount()
    {
        using var repo = SaaS()
            .With("src/viewer.tsx", "const [state, setState] = useState<ImageLoadingState>('loading');\nexport const V = () => <Image src={url} alt=\"page\" />;\n")
            .With("src/auth.ts", "import { loginRateLimit } from './limits';\nawait loginRateLimit.check(ip);\n");
        var readiness = Scans.Readiness(repo);
        Check(readiness, "ux.image_alt_text").Evidence.ShouldNotContain(e => e.File == "src/viewer.tsx");
        Check(readiness, "identity.login_rate_limiting").Evidence.ShouldContain(e => e.File == "src/auth.ts");

        using var missing = SaaS().With("src/page.tsx", "export const P = () => <img src=\"/logo.png\" />;\n");
        Check(Scans.Readiness(missing), "ux.image_alt_text").Evidence.ShouldContain(e => e.File == "src/page.tsx" && e.Line == 1);
    }

    [Fact]
    public void Evaluate_ForbiddenFilesInExampleMaterialDoNotFailTheProduct()
    {
        using var clean = new TempRepository("example-cert").With("requirements.txt", "fastapi==0.110\n").With("main.py", "from fastapi import FastAPI\n")
            .WithBytes("app/example/cert.p12", [0x30, 0x82, 0x01, 0x00]).With("config/settings.example.env", "API_KEY=\"sk_live_abcdefghijklmnopqrstuv\"\n");
        Check(Scans.Readiness(clean), "security.no_hardcoded_secrets").Status.ShouldBe("pass");

        using var leaked = new TempRepository("real-cert").With("requirements.txt", "fastapi==0.110\n").With("main.py", "from fastapi import FastAPI\n")
            .WithBytes("app/certs/cert.p12", [0x30, 0x82, 0x01, 0x00]);
        var check = Check(Scans.Readiness(leaked), "security.no_hardcoded_secrets");
        check.Status.ShouldBe("fail");
        check.Evidence.ShouldContain(e => e.File == "app/certs/cert.p12");
    }

    [Theory]
    [InlineData("export const Codes = { InvalidToken: 'INVALID_TOKEN', MissingToken: 'MISSING_TOKEN' };", false)]
    [InlineData("const password = \"hunter2hunter2\";", true)]
    [InlineData("INVALID_PASSWORD = \"invalid_password\"", false)]
    [InlineData("db_password: 'Pa55word'", true)]
    [InlineData(" * NEXT_PRIVATE_SMTP_PASSWORD='your-password';", false)]
    [InlineData("var cs = \"Server=sql.prod.example.net;Database=app;User Id=app;Password=Sup3rS3cret!;\";", true)]
    [InlineData("DATABASE_URL = \"postgres://app:app@localhost:5432/app\"", false)]
    [InlineData("DATABASE_URL = \"postgres://app:s3cr3tP4ss@db.prod.example.net:5432/app\"", true)]
    [InlineData("API_KEY = 'q8Zr2LmP0aVt'", true)]
    [InlineData("apiKey: \"${process.env.API_KEY}\"", false)]
    public void Evaluate_AssignedSecrets_AreToldApartFromConstantNames(string line, bool leaks)
    {
        using var repo = new TempRepository("assigned").With("requirements.txt", "fastapi==0.110\n").With("src/app.ts", line + "\n");
        Check(Scans.Readiness(repo), "security.no_hardcoded_secrets").Status.ShouldBe(leaks ? "fail" : "pass");
    }

    [Fact]
    public void Evaluate_OidcDiscoverySettingIsPartialEnterpriseSso()
    {
        using var repo = SaaS().With("src/sso.ts", "const url = process.env.NEXT_PRIVATE_OIDC_WELL_KNOWN;\n");
        var check = Check(Scans.Readiness(repo), "identity.enterprise_sso");
        check.Status.ShouldBe("partial");
        check.Evidence.ShouldContain(e => e.Kind == "env_var" && e.Detail == "NEXT_PRIVATE_OIDC_WELL_KNOWN");
    }

    [Theory]
    [InlineData("logger.info(\"The token user_id claim is mismatching (%s)\", user.pk)", "pass")]
    [InlineData("logger.info(\"reset for %s\", reset_token)", "fail")]
    [InlineData("log.debug(f\"auth header {request.authorization}\")", "fail")]
    public void Evaluate_PiiInLogs_LooksAtArgumentsNotWordsOfTheMessage(string line, string status)
    {
        using var repo = new TempRepository("logs").With("requirements.txt", "fastapi==0.110\n").With("app/main.py", "import logging\nlogger = logging.getLogger()\n" + line + "\n");
        Check(Scans.Readiness(repo), "observability.no_pii_in_logs").Status.ShouldBe(status);
    }

    [Fact]
    public void Evaluate_GraphQlMutationsCountForPasswordResetAndEmailConfirmation()
    {
        using var repo = new TempRepository("graphql").With("requirements.txt", "django==5.0\ngraphene==3.3\n")
            .With("app/mutations.py", "class RequestPasswordReset(BaseMutation):\n    pass\n\nclass ConfirmAccount(BaseMutation):\n    pass\n")
            .With("app/auth.py", "from django.contrib.auth.hashers import make_password\nfrom django.contrib.auth import authenticate\n");
        var readiness = Scans.Readiness(repo);
        Check(readiness, "identity.password_recovery").Evidence.ShouldContain(e => e.File == "app/mutations.py" && e.Line == 1);
        Check(readiness, "identity.email_verification").Evidence.ShouldContain(e => e.File == "app/mutations.py" && e.Line == 4);
    }

    [Fact]
    public void Evaluate_FailIfOverridesPositiveEvidence()
    {
        using var repo = SaaS();
        var check = Check(Scans.Readiness(repo), "payments.webhook_signature_verification");
        check.Status.ShouldBe("fail");
        check.Evidence.ShouldContain(e => e.File == "server.js" && e.Line == 5 && e.Kind == "code");
    }

    [Fact]
    public void Evaluate_HostedProviderIsADelegatedPass()
    {
        using var repo = SaaS();
        var check = Check(Scans.Readiness(repo), "identity.password_recovery");
        check.Status.ShouldBe("pass");
        check.SatisfiedBy.ShouldBe("delegated");
        check.Evidence.ShouldContain(e => e.Kind == "dependency" && e.Detail == "@clerk/clerk-react");
    }

    [Fact]
    public void Evaluate_InvertedCheckFailsOnACommittedKey_AndTheVerdictFollowsBlockingFailures()
    {
        using var repo = SaaS();
        var readiness = Scans.Readiness(repo);
        Check(readiness, "security.no_hardcoded_secrets").Status.ShouldBe("fail");
        // The secret scanner's finding is the evidence, masked: the key itself never reaches the report.
        var secret = Check(readiness, "security.no_hardcoded_secrets").Evidence.ShouldHaveSingleItem();
        secret.ShouldBe(new EvidenceEntry("server.js", 9, "secret", secret.Detail));
        secret.Detail.ShouldStartWith("AWS access key ID (AKIA");
        secret.Detail.ShouldNotContain("AKIAIOSFODNN7EXAMPLE");
        readiness.Verdict.ShouldBe("not_ready_to_sell");
        readiness.Blocking.ShouldContain("security.no_hardcoded_secrets");
        readiness.Checks[0].Status.ShouldBe("fail");
        readiness.Checks[0].Blocking.ShouldBeTrue();
    }

    [Fact]
    public void Evaluate_UnmetPreconditionIsNotApplicable_AndUnknowableNeedsConfirmation()
    {
        using var repo = new TempRepository("api").With("requirements.txt", "fastapi==0.110\n").With("main.py", "from fastapi import FastAPI\napp = FastAPI()\n");
        var readiness = Scans.Readiness(repo);
        Check(readiness, "payments.webhook_signature_verification").Status.ShouldBe("not_applicable");
        Check(readiness, "payments.webhook_signature_verification").Reason.ShouldBe("precondition payments_detected is false");
        var dns = Check(readiness, "email.spf_dkim");
        dns.Status.ShouldBeOneOf("needs_manual_confirmation", "not_applicable");
        readiness.Coverage.ShouldBeLessThan(100);
        readiness.Score.ShouldBeInRange(0, 100);
    }

    [Fact]
    public void Evaluate_ProfilesAndWaiversFromConfig()
    {
        using var repo = SaaS().With("panoptic.yaml", "readiness:\n  profile: api-only\n  waive:\n    security.no_hardcoded_secrets: the key is AWS's documented example\n");
        var readiness = Scans.Readiness(repo);
        readiness.Profile.ShouldBe("api-only");
        readiness.Checks.Where(c => c.Category == "ux").ShouldAllBe(c => c.Status == "not_applicable");
        var waived = Check(readiness, "security.no_hardcoded_secrets");
        waived.Waived.ShouldBe("the key is AWS's documented example");
        readiness.Blocking.ShouldNotContain("security.no_hardcoded_secrets");
    }

    [Fact]
    public void Config_BadReadinessSettings_NameTheirKey()
    {
        using var repo = SaaS().With("panoptic.yaml", "readiness:\n  profile: bank\n");
        Should.Throw<Panoptic.Scanner.Catalog.CatalogException>(() => Scans.Readiness(repo)).Message.ShouldContain("readiness.profile: 'bank' is not one of");
        using var repo2 = SaaS().With("panoptic.yaml", "readiness:\n  waive:\n    no.such.check: because\n");
        Should.Throw<Panoptic.Scanner.Catalog.CatalogException>(() => Scans.Readiness(repo2)).Message.ShouldContain("unknown check 'no.such.check'");
    }
}

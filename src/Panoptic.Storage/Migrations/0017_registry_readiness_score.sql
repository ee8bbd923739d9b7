-- Each upload's readiness score, kept beside its document so the dashboard's trend reads ten numbers, not ten
-- documents. Null for uploads without a readiness report, and for those stored before this column existed.
ALTER TABLE registries ADD COLUMN readiness_score DOUBLE PRECISION;

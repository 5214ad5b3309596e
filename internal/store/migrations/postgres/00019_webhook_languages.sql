-- A webhook delivery per notice (issue 14): the publication's notice keeps
-- language '' and a translation approved after publication has a notice
-- of its own, keyed by its language, so each is delivered once.

-- +goose Up
ALTER TABLE webhook_deliveries ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_pkey;
ALTER TABLE webhook_deliveries ADD PRIMARY KEY (submission_id, language);

-- +goose Down
DELETE FROM webhook_deliveries WHERE language <> '';
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_pkey;
ALTER TABLE webhook_deliveries ADD PRIMARY KEY (submission_id);
ALTER TABLE webhook_deliveries DROP COLUMN language;

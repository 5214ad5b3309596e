-- The PostgreSQL half of this migration makes its search column's accent
-- folding cheaper. SQLite's FTS5 unicode61 tokenizer folds accents itself,
-- so there is nothing to change here; the version is kept so both dialects
-- count their migrations alike.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;

-- Directory attributes policies can test (who.attributes); carried in access tokens as the `attrs` claim.
ALTER TABLE user_account ADD COLUMN department TEXT;
ALTER TABLE user_account ADD COLUMN employment_type TEXT;
ALTER TABLE user_account ADD COLUMN country TEXT;
ALTER TABLE user_account ADD COLUMN manager TEXT;

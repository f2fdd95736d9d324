-- What the password check said.
UPDATE sign_in_attempt SET outcome = :outcome WHERE attempt_id = :attempt_id;

-- A message's sending options (the seed's pushContent, pushData and config: silent, push
-- config, VoIP push) as the protobuf encoding of `MessageOptions`; NULL when it has none.
ALTER TABLE messages ADD COLUMN options BLOB;

-- 0002_reference_data.sql -- GENERATED FILE, DO NOT EDIT BY HAND.
-- Written by `python3 sql/tools/gen_reference.py` (run from any directory) from the
-- files below, whose origin and licences are in sql/data/SOURCE.md.
-- Change the CSVs or the generator and re-run it. `python3 sql/tools/gen_reference.py --check`
-- fails when this file is stale.
--
--   sql/data/divisions/provinces.csv  sha256 b17e76dab634e24e0f56021f15737c0a526dc7f0c4e39d21abeba5a8668383cd
--   sql/data/divisions/cities.csv  sha256 a9c818e8a5120189173668b40882ce8bf59a7ec2b057c49d7a724a04bec727f2
--   sql/data/divisions/areas.csv  sha256 169b8d99654c28cbd285e771e00688837f77af8d50c2b703592146388d2a99ab
--   sql/data/divisions_history/codes.csv  sha256 14b147480ff47d15a81830f88a36b99988259c1e38ed2e1d59de01b84cc4dd5f
--   sql/data/ethnicities.csv  sha256 7c366e1547cb78c9367b5a1c65dcb23fee1ba10ae358b266d1dd8cc473eaa117
--   sql/data/id_doc_types.csv  sha256 e1f8a9951a667f0e4c8ffb0ef8fb86aede02f74cc2d208adb9b45431ec318d0f
--
-- Reference tables of 0001_core.sql and the bureau part of the org tree.
-- INSERT statements only (DML: the runner applies it in one transaction).
-- Needs a utf8mb4 connection.

-- Divisions in force: the 2-, 4- and 6-digit codes of the source widened
-- to 6 digits (11 -> 110000, 1101 -> 110100). Cities without counties
-- (441900 东莞市 and the like) appear once, as level 2.
INSERT INTO division (code, name, level, parent_code) VALUES
('110000','北京市',1,NULL),
('110100','市辖区',2,'110000'),
('110101','东城区',3,'110100'),
('110102','西城区',3,'110100'),
('110105','朝阳区',3,'110100'),

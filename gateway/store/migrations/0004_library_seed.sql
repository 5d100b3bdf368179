-- Seed topics of the health library: plain-language summaries written for this project and
-- reviewed in the style of provider-approved patient education. Codes use the FHIR system URIs:
-- ICD-10-CM http://hl7.org/fhir/sid/icd-10-cm, LOINC http://loinc.org,
-- RxNorm http://www.nlm.nih.gov/research/umls/rxnorm, SNOMED CT http://snomed.info/sct.
INSERT INTO library.health_topics (id, title, summary, approved_by, reviewed_on) VALUES
('type-2-diabetes', 'Type 2 diabetes',
 'Type 2 diabetes means your body does not use insulin well, so sugar builds up in your blood. '
 'Healthy meals, regular activity and medicines such as metformin help keep blood sugar in a safe range. '
 'Your care team checks your hemoglobin A1c every few months to see how well your plan is working.',
 'MHS Patient Education Board', DATE '2025-01-15'),
('hemoglobin-a1c', 'Hemoglobin A1c test',
 'The hemoglobin A1c test shows your average blood sugar over the past two to three months. '
 'A result below 5.7 percent is normal, 5.7 to 6.4 percent suggests prediabetes, and 6.5 percent or '
 'higher suggests diabetes. People with diabetes often aim for a result below 7 percent.',
 'MHS Patient Education Board', DATE '2025-01-15'),
('blood-glucose', 'Blood sugar (glucose) test',
 'A glucose test measures the sugar in your blood at the moment the sample was taken. '
 'A fasting result of 70 to 99 mg/dL is normal; higher results can point to prediabetes or diabetes. '
 'Food, illness and some medicines can change the result, so your care team looks at it with your other tests.',
 'MHS Patient Education Board', DATE '2025-02-03'),
('high-blood-pressure', 'High blood pressure (hypertension)',
 'High blood pressure makes your heart and blood vessels work harder and raises the risk of heart attack, '
 'stroke and kidney disease. It usually causes no symptoms, so regular checks matter. '
 'Less salt, regular activity, limiting alcohol and medicines such as lisinopril can bring it down.',
 'MHS Patient Education Board', DATE '2025-02-10'),
('asthma', 'Asthma',
 'Asthma makes the airways in your lungs swell and narrow, which can cause wheezing, coughing and '
 'shortness of breath. A quick-relief inhaler such as albuterol opens the airways during a flare-up. '
 'Knowing and avoiding your triggers, and following your asthma action plan, helps prevent attacks.',
 'MHS Patient Education Board', DATE '2024-11-20'),
('high-cholesterol', 'High cholesterol',
 'Cholesterol is a fat carried in your blood; too much LDL ("bad") cholesterol can build up in your '
 'arteries and lead to heart disease. A cholesterol panel measures your LDL, HDL and total cholesterol. '
 'Heart-healthy food, exercise and medicines such as atorvastatin can lower your LDL.',
 'MHS Patient Education Board', DATE '2025-03-04'),
('low-back-pain', 'Low back pain',
 'Low back pain is very common and usually gets better within a few weeks. '
 'Staying gently active, heat, stretching and over-the-counter pain relievers help most people recover. '
 'Contact your care team if you have numbness, weakness in your legs, or trouble controlling your bladder or bowels.',
 'MHS Patient Education Board', DATE '2024-10-08'),
('hypothyroidism', 'Underactive thyroid (hypothyroidism)',
 'When your thyroid gland makes too little hormone, you may feel tired, cold or gain weight. '
 'A daily levothyroxine pill replaces the missing hormone. '
 'Your care team uses a TSH blood test to adjust the dose; take the pill on an empty stomach at the same time each day.',
 'MHS Patient Education Board', DATE '2025-01-28'),
('tsh-test', 'Thyroid stimulating hormone (TSH) test',
 'The TSH test checks how well your thyroid is working. A high TSH often means the thyroid is '
 'underactive, and a low TSH that it is overactive. If you take thyroid medicine, this test shows whether the dose is right.',
 'MHS Patient Education Board', DATE '2025-01-28'),
('anemia', 'Anemia',
 'Anemia means your blood has fewer healthy red blood cells or less hemoglobin than normal, so your '
 'body gets less oxygen. You may feel tired, weak or short of breath. '
 'A hemoglobin test finds it, and treatment depends on the cause, such as low iron.',
 'MHS Patient Education Board', DATE '2024-12-12'),
('complete-blood-count', 'Complete blood count (CBC)',
 'A complete blood count measures your red blood cells, white blood cells and platelets. '
 'It helps your care team look for infection, anemia and many other conditions. '
 'A result slightly outside the reference range is common and is not always a sign of a problem.',
 'MHS Patient Education Board', DATE '2024-12-12'),
('chronic-kidney-disease', 'Chronic kidney disease',
 'Chronic kidney disease means your kidneys have been damaged and filter your blood less well over time. '
 'Diabetes and high blood pressure are its most common causes. '
 'Blood tests for creatinine and eGFR track your kidney function; controlling blood pressure and blood sugar protects it.',
 'MHS Patient Education Board', DATE '2025-02-21'),
('creatinine-test', 'Creatinine and kidney function tests',
 'Creatinine is a waste product that healthy kidneys clear from your blood. '
 'A high creatinine or a low estimated filtration rate (eGFR) can mean your kidneys are not working as well as they should. '
 'Dehydration, intense exercise and some medicines can raise the result for a short time.',
 'MHS Patient Education Board', DATE '2025-02-21'),
('vitamin-d', 'Vitamin D',
 'Vitamin D helps your body absorb calcium and keep bones and muscles strong. '
 'A blood test for 25-hydroxyvitamin D shows whether your level is low. '
 'Sunlight, fortified foods and supplements can raise a low level; ask your care team how much to take.',
 'MHS Patient Education Board', DATE '2024-09-30'),
('tooth-decay', 'Tooth decay (cavities)',
 'Tooth decay happens when germs in plaque turn sugar into acid that wears holes in your teeth. '
 'Brushing twice a day with fluoride toothpaste, flossing, and cutting down on sugary drinks help prevent it. '
 'Your dentist can fill a cavity before it grows and causes pain.',
 'MHS Dental Health Education Board', DATE '2025-03-11'),
('gum-disease', 'Gum disease (periodontitis)',
 'Periodontitis is an infection of the gums and the bone that holds your teeth. '
 'Signs include red, swollen or bleeding gums and bad breath. '
 'A deep cleaning at your dental clinic and daily brushing and flossing can stop it from getting worse.',
 'MHS Dental Health Education Board', DATE '2025-03-11')
ON CONFLICT (id) DO NOTHING;

INSERT INTO library.health_topic_codes (topic_id, system, code, display) VALUES
('type-2-diabetes', 'http://hl7.org/fhir/sid/icd-10-cm', 'E11.9', 'Type 2 diabetes mellitus without complications'),
('type-2-diabetes', 'http://snomed.info/sct', '44054006', 'Diabetes mellitus type 2'),
('type-2-diabetes', 'http://loinc.org', '4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood'),
('type-2-diabetes', 'http://www.nlm.nih.gov/research/umls/rxnorm', '860975', 'metformin hydrochloride 500 MG Extended Release Oral Tablet'),
('hemoglobin-a1c', 'http://loinc.org', '4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood'),
('blood-glucose', 'http://loinc.org', '2345-7', 'Glucose [Mass/volume] in Serum or Plasma'),
('blood-glucose', 'http://hl7.org/fhir/sid/icd-10-cm', 'R73.03', 'Prediabetes'),
('high-blood-pressure', 'http://hl7.org/fhir/sid/icd-10-cm', 'I10', 'Essential (primary) hypertension'),
('high-blood-pressure', 'http://snomed.info/sct', '38341003', 'Hypertensive disorder'),
('high-blood-pressure', 'http://www.nlm.nih.gov/research/umls/rxnorm', '314076', 'lisinopril 10 MG Oral Tablet'),
('asthma', 'http://hl7.org/fhir/sid/icd-10-cm', 'J45.909', 'Unspecified asthma, uncomplicated'),
('asthma', 'http://snomed.info/sct', '195967001', 'Asthma'),
('asthma', 'http://www.nlm.nih.gov/research/umls/rxnorm', '745679', 'albuterol 0.09 MG/ACTUAT Metered Dose Inhaler'),
('high-cholesterol', 'http://hl7.org/fhir/sid/icd-10-cm', 'E78.5', 'Hyperlipidemia, unspecified'),
('high-cholesterol', 'http://snomed.info/sct', '55822004', 'Hyperlipidemia'),
('high-cholesterol', 'http://loinc.org', '13457-7', 'Cholesterol in LDL [Mass/volume] in Serum or Plasma by calculation'),
('high-cholesterol', 'http://loinc.org', '2089-1', 'Cholesterol in LDL [Mass/volume] in Serum or Plasma'),
('high-cholesterol', 'http://loinc.org', '2093-3', 'Cholesterol [Mass/volume] in Serum or Plasma'),
('high-cholesterol', 'http://loinc.org', '2085-9', 'Cholesterol in HDL [Mass/volume] in Serum or Plasma'),
('high-cholesterol', 'http://www.nlm.nih.gov/research/umls/rxnorm', '617312', 'atorvastatin 10 MG Oral Tablet'),
('low-back-pain', 'http://hl7.org/fhir/sid/icd-10-cm', 'M54.5', 'Low back pain'),
('low-back-pain', 'http://hl7.org/fhir/sid/icd-10-cm', 'M54.50', 'Low back pain, unspecified'),
('low-back-pain', 'http://snomed.info/sct', '279039007', 'Low back pain'),
('hypothyroidism', 'http://hl7.org/fhir/sid/icd-10-cm', 'E03.9', 'Hypothyroidism, unspecified'),
('hypothyroidism', 'http://snomed.info/sct', '40930008', 'Hypothyroidism'),
('hypothyroidism', 'http://loinc.org', '3016-3', 'Thyrotropin [Units/volume] in Serum or Plasma'),
('hypothyroidism', 'http://www.nlm.nih.gov/research/umls/rxnorm', '966247', 'levothyroxine sodium 0.05 MG Oral Tablet'),
('tsh-test', 'http://loinc.org', '3016-3', 'Thyrotropin [Units/volume] in Serum or Plasma'),
('anemia', 'http://hl7.org/fhir/sid/icd-10-cm', 'D64.9', 'Anemia, unspecified'),
('anemia', 'http://snomed.info/sct', '271737000', 'Anemia'),
('anemia', 'http://loinc.org', '718-7', 'Hemoglobin [Mass/volume] in Blood'),
('complete-blood-count', 'http://loinc.org', '718-7', 'Hemoglobin [Mass/volume] in Blood'),
('complete-blood-count', 'http://loinc.org', '6690-2', 'Leukocytes [#/volume] in Blood by Automated count'),
('complete-blood-count', 'http://loinc.org', '4544-3', 'Hematocrit [Volume Fraction] of Blood by Automated count'),
('complete-blood-count', 'http://loinc.org', '777-3', 'Platelets [#/volume] in Blood by Automated count'),
('chronic-kidney-disease', 'http://hl7.org/fhir/sid/icd-10-cm', 'N18.9', 'Chronic kidney disease, unspecified'),
('chronic-kidney-disease', 'http://hl7.org/fhir/sid/icd-10-cm', 'N18.3', 'Chronic kidney disease, stage 3 (moderate)'),
('chronic-kidney-disease', 'http://snomed.info/sct', '709044004', 'Chronic kidney disease'),
('chronic-kidney-disease', 'http://loinc.org', '2160-0', 'Creatinine [Mass/volume] in Serum or Plasma'),
('creatinine-test', 'http://loinc.org', '2160-0', 'Creatinine [Mass/volume] in Serum or Plasma'),
('creatinine-test', 'http://loinc.org', '33914-3', 'Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum or Plasma by Creatinine-based formula (MDRD)'),
('vitamin-d', 'http://loinc.org', '1989-3', '25-Hydroxyvitamin D3 [Mass/volume] in Serum or Plasma'),
('vitamin-d', 'http://hl7.org/fhir/sid/icd-10-cm', 'E55.9', 'Vitamin D deficiency, unspecified'),
('tooth-decay', 'http://hl7.org/fhir/sid/icd-10-cm', 'K02.9', 'Dental caries, unspecified'),
('tooth-decay', 'http://snomed.info/sct', '80967001', 'Dental caries'),
('gum-disease', 'http://hl7.org/fhir/sid/icd-10-cm', 'K05.30', 'Chronic periodontitis, unspecified'),
('gum-disease', 'http://snomed.info/sct', '41565005', 'Periodontitis')
ON CONFLICT DO NOTHING;

-- More health library topics, so that every condition, lab test and medication the synthetic data
-- uses (sandbox/data/codes.py) has at least one plain-language topic.
INSERT INTO library.health_topics (id, title, summary, approved_by, reviewed_on) VALUES
('anxiety', 'Generalized anxiety',
 'Generalized anxiety disorder causes worry that is hard to control and lasts for months. '
 'It can also cause restlessness, poor sleep and tense muscles. '
 'Talk therapy, regular exercise and sometimes medicine work well, and your care team can connect you with behavioral health support.',
 'MHS Behavioral Health Education Board', DATE '2025-04-02'),
('acid-reflux', 'Acid reflux (GERD)',
 'Gastro-esophageal reflux disease happens when stomach acid flows back into the tube that carries food to your stomach, causing heartburn. '
 'Eating smaller meals, avoiding food close to bedtime and raising the head of your bed can help. '
 'Tell your care team if you have trouble swallowing or lose weight without trying.',
 'MHS Patient Education Board', DATE '2025-04-02'),
('migraine', 'Migraine headaches',
 'A migraine is a strong, throbbing headache that can come with nausea and sensitivity to light or sound. '
 'Keeping a headache diary helps you find and avoid triggers such as missed meals, poor sleep or stress. '
 'Treating an attack early works best; seek care right away for the worst headache of your life or a headache with weakness or confusion.',
 'MHS Patient Education Board', DATE '2025-03-19'),
('knee-osteoarthritis', 'Knee osteoarthritis',
 'Osteoarthritis is wear of the cartilage that cushions the knee joint, causing pain and stiffness. '
 'Staying active, strengthening the muscles around the knee and keeping a healthy weight ease the pain. '
 'Pain relievers such as ibuprofen can help for short periods; ask your care team what is safe for you.',
 'MHS Patient Education Board', DATE '2025-03-19'),
('allergic-rhinitis', 'Seasonal and indoor allergies',
 'Allergic rhinitis causes sneezing, a runny or stuffy nose and itchy eyes when you breathe in pollen, dust or pet dander. '
 'Limiting contact with your triggers and rinsing your nose with salt water can help. '
 'Over-the-counter allergy medicines and nasal sprays control most symptoms.',
 'MHS Patient Education Board', DATE '2024-08-14'),
('healthy-weight', 'Obesity and a healthy weight',
 'Obesity means having more body fat than is healthy, which raises the risk of diabetes, high blood pressure and joint pain. '
 'Small, steady changes in eating, activity and sleep add up over time. '
 'Your care team can refer you to nutrition counseling and programs that support weight loss.',
 'MHS Patient Education Board', DATE '2025-01-09'),
('electrolytes', 'Sodium and potassium tests',
 'Sodium and potassium are minerals that keep your nerves, muscles and heart working. '
 'Levels outside the normal range can come from dehydration, kidney problems or medicines such as water pills. '
 'Your care team checks them as part of a basic metabolic panel.',
 'MHS Patient Education Board', DATE '2025-02-21'),
('liver-tests', 'Liver enzyme (ALT) test',
 'The ALT test measures an enzyme that leaks into your blood when liver cells are irritated or damaged. '
 'A mildly high result is common and can come from medicines, alcohol, fatty liver or a recent illness. '
 'Your care team may repeat the test or order others to find the cause.',
 'MHS Patient Education Board', DATE '2025-02-21'),
('urine-tests', 'Urine tests and urinary tract infections',
 'A urine test looks at the color and content of your urine, and a urine culture checks for germs that cause infection. '
 'Burning when you urinate, needing to go often, or red or cloudy urine can be signs of a urinary tract infection. '
 'Infections are treated with antibiotics; drink plenty of water and finish every dose.',
 'MHS Patient Education Board', DATE '2024-12-05'),
('antibiotics', 'Taking antibiotics safely',
 'Antibiotics such as amoxicillin treat infections caused by bacteria, not colds or flu. '
 'Take every dose for as long as prescribed, even if you feel better sooner. '
 'Call your care team if you get a rash, swelling or trouble breathing.',
 'MHS Pharmacy Education Board', DATE '2025-01-22')
ON CONFLICT (id) DO NOTHING;

INSERT INTO library.health_topic_codes (topic_id, system, code, display) VALUES
('anxiety', 'http://hl7.org/fhir/sid/icd-10-cm', 'F41.1', 'Generalized anxiety disorder'),
('anxiety', 'http://snomed.info/sct', '21897009', 'Generalized anxiety disorder'),
('acid-reflux', 'http://hl7.org/fhir/sid/icd-10-cm', 'K21.9', 'Gastro-esophageal reflux disease without esophagitis'),
('acid-reflux', 'http://snomed.info/sct', '235595009', 'Gastroesophageal reflux disease'),
('migraine', 'http://hl7.org/fhir/sid/icd-10-cm', 'G43.909', 'Migraine, unspecified, not intractable'),
('migraine', 'http://snomed.info/sct', '37796009', 'Migraine'),
('knee-osteoarthritis', 'http://hl7.org/fhir/sid/icd-10-cm', 'M17.11', 'Unilateral primary osteoarthritis, right knee'),
('knee-osteoarthritis', 'http://snomed.info/sct', '239873007', 'Osteoarthritis of knee'),
('knee-osteoarthritis', 'http://www.nlm.nih.gov/research/umls/rxnorm', '197806', 'ibuprofen 600 MG Oral Tablet'),
('low-back-pain', 'http://www.nlm.nih.gov/research/umls/rxnorm', '197806', 'ibuprofen 600 MG Oral Tablet'),
('allergic-rhinitis', 'http://hl7.org/fhir/sid/icd-10-cm', 'J30.9', 'Allergic rhinitis, unspecified'),
('allergic-rhinitis', 'http://snomed.info/sct', '61582004', 'Allergic rhinitis'),
('healthy-weight', 'http://hl7.org/fhir/sid/icd-10-cm', 'E66.9', 'Obesity, unspecified'),
('healthy-weight', 'http://snomed.info/sct', '414916001', 'Obesity'),
('high-blood-pressure', 'http://snomed.info/sct', '59621000', 'Essential hypertension'),
('high-blood-pressure', 'http://www.nlm.nih.gov/research/umls/rxnorm', '197361', 'amlodipine 5 MG Oral Tablet'),
('high-blood-pressure', 'http://www.nlm.nih.gov/research/umls/rxnorm', '310798', 'hydrochlorothiazide 25 MG Oral Tablet'),
('high-cholesterol', 'http://loinc.org', '2571-8', 'Triglyceride [Mass/volume] in Serum or Plasma'),
('high-cholesterol', 'http://www.nlm.nih.gov/research/umls/rxnorm', '198211', 'simvastatin 40 MG Oral Tablet'),
('electrolytes', 'http://loinc.org', '2951-2', 'Sodium [Moles/volume] in Serum or Plasma'),
('electrolytes', 'http://loinc.org', '2823-3', 'Potassium [Moles/volume] in Serum or Plasma'),
('liver-tests', 'http://loinc.org', '1742-6', 'Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma'),
('urine-tests', 'http://loinc.org', '630-4', 'Bacteria identified in Urine by Culture'),
('urine-tests', 'http://loinc.org', '5778-6', 'Color of Urine'),
('urine-tests', 'http://hl7.org/fhir/sid/icd-10-cm', 'N39.0', 'Urinary tract infection, site not specified'),
('antibiotics', 'http://www.nlm.nih.gov/research/umls/rxnorm', '308191', 'amoxicillin 500 MG Oral Capsule')
ON CONFLICT DO NOTHING;

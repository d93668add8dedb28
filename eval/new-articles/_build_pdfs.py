from fpdf import FPDF

class Doc(FPDF):
    def footer(self):
        self.set_y(-15)
        self.set_font("Helvetica", "I", 8)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")

def mkpdf(fname, title, meta, pages):
    pdf = Doc(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    for i, blocks in enumerate(pages):
        pdf.add_page()
        if i == 0:
            pdf.set_font("Helvetica", "B", 16)
            pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 10)
            for m in meta:
                pdf.multi_cell(0, 5, m, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        for kind, text in blocks:
            if kind == "h":
                pdf.ln(2)
                pdf.set_font("Helvetica", "B", 12)
                pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
            elif kind == "p":
                pdf.set_font("Helvetica", "", 11)
                pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2.5)
            elif kind == "b":
                pdf.set_font("Helvetica", "", 11)
                pdf.set_x(25)
                pdf.multi_cell(0, 5.5, "- " + text, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1)
            elif kind == "t":
                widths = [80, 40, 40]
                for r, row in enumerate(text):
                    pdf.set_font("Helvetica", "B" if r == 0 else "", 10)
                    for w, c in zip(widths, row):
                        pdf.cell(w, 7, c, border=1)
                    pdf.ln(7)
                pdf.ln(3)
    pdf.output(fname)

mkpdf("cornwall-hospital-at-home-iv-antibiotics-2021.pdf",
  "Kernow Hospital at Home: intravenous antibiotics at home",
  ["Year one report, October 2021", "Duchy Hospitals NHS Trust - Infection Service"],
  [
   [
    ("h", "Summary"),
    ("p", "Since 5 October 2020, adults in Cornwall who need a course of intravenous (IV) antibiotics, but who are otherwise well enough to be at home, have been able to receive their treatment in their own homes rather than staying in hospital. This report describes the first year of the service and sets out plans for 2022."),
    ("h", "The service"),
    ("p", "Kernow Hospital at Home is run by the infection service at Duchy Hospitals NHS Trust. Patients are identified on the wards at the Royal Cornwall Hospital in Truro, or referred directly by GPs and the emergency department."),
    ("p", "The team is led by two consultants in infectious diseases, who each give two sessions a week, and includes eight specialist OPAT (outpatient parenteral antimicrobial therapy) nurses and two antimicrobial pharmacists. Nurses visit patients at home across the county, from Bude to Penzance. Most patients receive their antibiotics through a small portable pump that they wear for 24 hours at a time, so they need only one nurse visit a day. Patients who are able to travel can instead attend daily treatment clinics at community hospitals in Camborne, Bodmin and St Austell."),
    ("p", "Before the service started, patients waited an average of three days in hospital for a long-term IV line to be fitted before they could go home on antibiotics. Lines are now fitted by the team's nurses on the ward or at home, and most patients start treatment at home within 24 hours of referral."),
    ("h", "Who the service is for"),
    ("p", "The service accepts adults aged 18 and over who are clinically stable, have a safe home environment and agree to treatment at home. Patients who live alone are supported with a daily telephone check from the nursing team in addition to their visit."),
   ],
   [
    ("h", "Results in year one"),
    ("b", "412 patients were treated at home during the year."),
    ("b", "The average course of treatment lasted 15 days."),
    ("b", "The most common conditions treated were cellulitis and other skin infections (38%), bone and joint infections (24%) and infections of the heart valves or lungs (17%)."),
    ("b", "In total, 6,180 hospital bed days were saved."),
    ("b", "6% of patients were readmitted to hospital during their course, most often because of a problem with their IV line."),
    ("b", "97% of patients who returned a questionnaire said they would recommend the service."),
    ("h", "Costs"),
    ("p", "The service costs \u00a3640,000 a year. A day of treatment at home costs around \u00a395, compared with \u00a3420 for a day in an acute hospital bed. Across the 6,180 bed days saved, the trust estimates a saving of just over \u00a32 million in the first year, capacity that has been used to reopen beds for other patients."),
    ("h", "What people say"),
    ("p", "Dr Rebecca Tregenza, consultant in infectious diseases and clinical lead for the service, said: \"Many of these patients were stuck in hospital for two or three weeks simply because they needed a drip twice a day. They did not need a hospital bed, and they were at risk of picking up another infection while they were there. Now they sleep in their own beds, see their families and some even go back to work.\""),
    ("p", "Michael Rowe, 58, a fisherman from Newlyn, had six weeks of antibiotics for a bone infection in his foot. \"I would have gone mad in hospital for six weeks. The nurse came every morning, changed the pump and I got on with my life,\" he said."),
    ("h", "Next steps"),
    ("p", "The trust expects to treat around 600 patients in 2022 as more conditions are added. The team is also working with health services on the Isles of Scilly to see whether patients there could be supported by telephone and a visiting nurse."),
   ],
  ])

mkpdf("wakefield-pharmacy-anticoagulation-2019.pdf",
  "Anticoagulation monitoring in community pharmacies: service review",
  ["NHS Wakefield District Clinical Commissioning Group", "Medicines optimisation team, March 2019"],
  [
   [
    ("h", "Background"),
    ("p", "Around 2,100 people in the Wakefield district take warfarin to prevent blood clots. They need a finger-prick blood test, known as an INR test, every two to eight weeks so that their dose can be adjusted. Until June 2017 almost all of them attended the anticoagulation clinic at Pinderfields Hospital. The clinic was often crowded, waits regularly exceeded an hour and parking was a frequent complaint."),
    ("h", "The new service"),
    ("p", "From June 2017, INR testing and warfarin dosing moved to 14 community pharmacies in Wakefield, Pontefract, Castleford, Ossett, Normanton, Featherstone and Hemsworth. Pharmacists use point-of-care testing machines and computerised dosing software linked to the hospital anticoagulation team, which remains responsible for patients with complex needs and provides advice to the pharmacists by telephone."),
    ("p", "Pharmacies offer appointments six days a week, and four of them also open in the evening. Each pharmacy is paid \u00a314 per test, which covers the pharmacist's time, testing strips and the dosing software licence."),
    ("p", "By the end of 2018, 1,880 patients had transferred from the hospital clinic to a pharmacy. A further 210 patients with complex needs, such as those with mechanical heart valves, continue to be seen at Pinderfields."),
    ("p", "Patient satisfaction is high: 95% of the 640 patients who responded to a survey in November 2018 rated the service as good or very good, and 88% said their pharmacy was easier to get to than the hospital."),
   ],
   [
    ("h", "Results"),
    ("p", "The table compares the last full year of the hospital clinic (2016/17) with the first full calendar year of the pharmacy service (2018)."),
    ("t", [["Measure", "Before (2016/17)", "After (2018)"],
           ["Time in therapeutic range", "61%", "72%"],
           ["Average time spent at appointment", "55 minutes", "10 minutes"],
           ["Admissions for bleeding on warfarin", "41", "29"],
           ["INR tests carried out", "21,900", "22,600"],
           ["Annual cost of the service", "\u00a3452,000", "\u00a3316,000"]]),
    ("p", "The overall cost of anticoagulation monitoring fell from \u00a3452,000 to \u00a3316,000 a year, a saving of \u00a3136,000 a year, while the number of tests carried out rose slightly."),
    ("h", "What people say"),
    ("p", "Imran Hussain, pharmacist at Castleford Road Pharmacy in Normanton, said: \"Our patients are in and out in ten minutes with their new dose. Because we see them so often we also spot other problems early, such as a new medicine that interacts with warfarin.\""),
    ("p", "Dr Catherine Lumb, consultant haematologist at Pinderfields Hospital, said: \"Control has improved because patients are tested more reliably and the dosing is consistent. It has also allowed our specialist team to focus on the most complex patients.\""),
    ("h", "Next steps"),
    ("p", "The CCG is considering whether pharmacies could also review patients taking the newer anticoagulant medicines, which do not need INR testing but do need regular checks of kidney function. A pilot in Pontefract is expected to begin in autumn 2019."),
   ],
  ])

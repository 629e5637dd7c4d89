@faq-8 @core
Feature: What the portal shows after a transfer, a level change, an early completion or a STEM denial
  A transfer or a change of education level ends the current OPT and creates a new
  program of study record under the same SEVIS ID, without the previous OPT: the
  student no longer sees the previous program's data but still sees the past events
  on the History page. After an early completion the student still sees their
  information for six months after the OPT end date. A denied STEM OPT is deleted in
  both SEVIS and the portal.

  Background:
    Given a logged-in student on post-completion OPT
    And the student works for "Acme Robotics"
    And the student noted every entry on the History page

  @rule-transfer-new-program
  Scenario: A transfer starts a new program record without the previous OPT
    When the DSO records the student's transfer to another school
    Then SEVIS holds a new active program record under the same SEVIS ID, with no OPT
    And the student sees no OPT authorization
    And the student no longer sees the employer "Acme Robotics"
    And the History page still shows that "Acme Robotics" was added
    And the History page still shows every entry the student noted

  @rule-level-change-new-program
  Scenario: A change of education level starts a new program record without the previous OPT
    When the DSO records the student's change of education level
    Then SEVIS holds a new active program record under the same SEVIS ID, with no OPT
    And the student sees no OPT authorization
    And the student no longer sees the employer "Acme Robotics"
    And the History page still shows that "Acme Robotics" was added
    And the History page still shows every entry the student noted

  @rule-early-completion-six-months
  Scenario: After an early completion the information stays visible for six months
    When the DSO completes the student's record 60 days before the authorized OPT end date
    And time passes to the day before six months after the completion date, the student logging in monthly
    Then the student can log in
    And the student still sees the employer "Acme Robotics"
    And the History page still shows every entry the student noted
    When time passes to the day after six months after the authorized OPT end date
    Then the student cannot log in with the right password: the portal says "access-closed"

  @rule-stem-denial-deletes
  Scenario: A STEM denial deletes the STEM OPT in SEVIS and in the portal
    Given the student's STEM OPT extension is pending with USCIS
    And the DSO entered the STEM employer "Cedar Labs" in SEVIS
    When the daily sync from SEVIS to the portal runs
    Then the student sees the employer "Cedar Labs"
    When USCIS denies the STEM OPT extension
    Then SEVIS shows the STEM OPT as deleted
    And the student no longer sees the employer "Cedar Labs"
    And the student sees no "STEM OPT" authorization
    And the student still sees a "Post completion OPT" authorization
    And the student still sees the employer "Acme Robotics"
    And the History page still shows every entry the student noted
